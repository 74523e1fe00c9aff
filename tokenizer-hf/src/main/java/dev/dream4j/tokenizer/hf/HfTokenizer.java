package dev.dream4j.tokenizer.hf;

import dev.dream4j.api.TokenizerException;
import dev.dream4j.tokenizer.ChatTemplate;
import dev.dream4j.tokenizer.StreamingDecoder;
import dev.dream4j.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** A Hugging Face byte-level BPE tokenizer (tokenizer.json + tokenizer_config.json). Thread-safe. */
public final class HfTokenizer implements Tokenizer {

    private final Map<String, Integer> tokenToId;
    private final String[] idToToken;
    private final byte[][] idToBytes;
    private final boolean[] special;
    private final Bpe bpe;
    private final boolean nfc;
    private final PreTokenizer preTokenizer;
    private final boolean addPrefixSpace;
    private final AddedTokenMatcher rawAdded;
    private final AddedTokenMatcher normalizedAdded;
    private final int[] prefixIds;
    private final int[] suffixIds;
    private final ChatTemplate chatTemplate;

    HfTokenizer(Map<String, Integer> tokenToId, String[] idToToken, boolean[] special, Bpe bpe, boolean nfc,
                PreTokenizer preTokenizer, boolean addPrefixSpace, List<AddedToken> added, int[] prefixIds,
                int[] suffixIds, ChatTemplate chatTemplate) {
        this.tokenToId = tokenToId;
        this.idToToken = idToToken;
        this.special = special;
        this.bpe = bpe;
        this.nfc = nfc;
        this.preTokenizer = preTokenizer;
        this.addPrefixSpace = addPrefixSpace;
        this.rawAdded = AddedTokenMatcher.of(added, false, nfc);
        this.normalizedAdded = AddedTokenMatcher.of(added, true, nfc);
        this.prefixIds = prefixIds;
        this.suffixIds = suffixIds;
        this.chatTemplate = chatTemplate;
        this.idToBytes = new byte[idToToken.length][];
        for (int i = 0; i < idToToken.length; i++) {
            if (idToToken[i] != null) {
                idToBytes[i] = ByteLevel.tokenBytes(idToToken[i]);
            }
        }
    }

    /** A growable int list. */
    private static final class Ids {
        int[] a = new int[32];
        int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        void addAll(int[] v) {
            if (n + v.length > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, n + v.length));
            }
            System.arraycopy(v, 0, a, n, v.length);
            n += v.length;
        }
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        java.util.Objects.requireNonNull(text, "text");
        text = replaceLoneSurrogates(text);
        Ids out = new Ids();
        if (addSpecialTokens) {
            out.addAll(prefixIds);
        }
        Spans spans = new Spans();
        if (rawAdded == null) {
            encodeNormalizing(text, out, spans);
        } else {
            int last = 0;
            for (AddedTokenMatcher.Match m : rawAdded.find(text)) {
                if (m.start() > last) {
                    encodeNormalizing(text.substring(last, m.start()), out, spans);
                }
                out.add(m.id());
                last = m.end();
            }
            if (last < text.length()) {
                encodeNormalizing(text.substring(last), out, spans);
            }
        }
        if (addSpecialTokens) {
            out.addAll(suffixIds);
        }
        return Arrays.copyOf(out.a, out.n);
    }

    private void encodeNormalizing(String segment, Ids out, Spans spans) {
        String s = nfc ? nfc(segment) : segment;
        if (normalizedAdded == null) {
            encodePlain(s, out, spans);
            return;
        }
        int last = 0;
        for (AddedTokenMatcher.Match m : normalizedAdded.find(s)) {
            if (m.start() > last) {
                encodePlain(s.substring(last, m.start()), out, spans);
            }
            out.add(m.id());
            last = m.end();
        }
        if (last < s.length()) {
            encodePlain(s.substring(last), out, spans);
        }
    }

    private void encodePlain(String s, Ids out, Spans spans) {
        if (addPrefixSpace && !s.isEmpty() && s.charAt(0) != ' ') {
            s = " " + s;
        }
        spans.clear();
        preTokenizer.split(s, spans);
        for (int k = 0, c = spans.count(); k < c; k++) {
            out.addAll(bpe.encodeWord(s.substring(spans.start(k), spans.end(k))));
        }
    }

    static String nfc(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) >= 0x300) {
                return Nfc.normalize(s);
            }
        }
        return s;
    }

    /** Lone surrogates cannot be UTF-8 encoded; like a lossy UTF-8 conversion they become U+FFFD. */
    static String replaceLoneSurrogates(String s) {
        StringBuilder sb = null;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(s);
            }
            sb.setCharAt(i, '\uFFFD');
        }
        return sb == null ? s : sb.toString();
    }

    private byte[] bytesOf(int id) {
        if (id < 0 || id >= idToBytes.length || idToBytes[id] == null) {
            throw new TokenizerException("token id " + id + " is outside the vocabulary (size " + vocabSize() + ")");
        }
        return idToBytes[id];
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        ByteBuf buf = new ByteBuf();
        for (int id : ids) {
            byte[] b = bytesOf(id);
            if (skipSpecialTokens && special[id]) {
                continue;
            }
            buf.append(b);
        }
        return Utf8.decodeLossy(buf.a, 0, buf.n);
    }

    /** A growable byte buffer. */
    static final class ByteBuf {
        byte[] a = new byte[64];
        int n;

        void append(byte[] b) {
            if (n + b.length > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, n + b.length));
            }
            System.arraycopy(b, 0, a, n, b.length);
            n += b.length;
        }
    }

    @Override
    public StreamingDecoder streamingDecoder(boolean skipSpecialTokens) {
        return new Utf8StreamingDecoder(id -> {
            byte[] b = bytesOf(id);
            return skipSpecialTokens && special[id] ? new byte[0] : b;
        });
    }

    @Override
    public OptionalInt tokenId(String token) {
        Integer id = tokenToId.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public Optional<String> token(int id) {
        return id >= 0 && id < idToToken.length ? Optional.ofNullable(idToToken[id]) : Optional.empty();
    }

    @Override
    public int vocabSize() {
        return idToToken.length;
    }

    @Override
    public boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }

    @Override
    public Optional<ChatTemplate> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }
}
