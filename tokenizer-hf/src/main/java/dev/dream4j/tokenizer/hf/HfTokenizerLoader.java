package dev.dream4j.tokenizer.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dream4j.api.TokenizerException;
import dev.dream4j.tokenizer.hf.template.JinjaTemplate;
import dev.dream4j.tokenizer.hf.template.TemplateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads tokenizer.json and tokenizer_config.json into an {@link HfTokenizer}, rejecting what it does not support. */
final class HfTokenizerLoader {

    private static final Logger LOG = LoggerFactory.getLogger(HfTokenizerLoader.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * Token ids must be below this (the largest published vocabularies have about 260k entries); a larger id would
     * size the id tables by a hostile file rather than by the vocabulary. Raise with {@code -Ddream4j.tokenizer.maxVocab}.
     */
    static final int DEFAULT_MAX_VOCAB = 1 << 22;
    /** Tokenizer files beyond this are refused before parsing (the largest real ones are tens of MiB). */
    static final long MAX_FILE_BYTES = 512L << 20;

    static int maxVocab() {
        return Integer.getInteger("dream4j.tokenizer.maxVocab", DEFAULT_MAX_VOCAB);
    }

    private HfTokenizerLoader() {
    }

    static HfTokenizer load(Path dir) {
        Path tj = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tj)) {
            throw new TokenizerException(tj + ": file not found");
        }
        JsonNode tokenizer = readJson(tj);
        Path tc = dir.resolve("tokenizer_config.json");
        JsonNode config = Files.isRegularFile(tc) ? readJson(tc) : MAPPER.createObjectNode();
        return build(tokenizer, config, tj.getFileName().toString(), tc.getFileName().toString());
    }

    static HfTokenizer load(InputStream tokenizerJson, InputStream tokenizerConfig) {
        JsonNode tokenizer = readJson(tokenizerJson, "tokenizer.json");
        JsonNode config = tokenizerConfig == null ? MAPPER.createObjectNode() : readJson(tokenizerConfig, "tokenizer_config.json");
        return build(tokenizer, config, "tokenizer.json", "tokenizer_config.json");
    }

    private static JsonNode readJson(Path file) {
        try {
            // a FIFO or device would block or never end; a huge file would exhaust the heap
            if (!Files.isRegularFile(file)) {
                throw new TokenizerException(file + ": not a regular file");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new TokenizerException(file + ": " + Files.size(file) + " bytes, over the limit of " + MAX_FILE_BYTES);
            }
        } catch (IOException e) {
            throw new TokenizerException(file + ": cannot read: " + e.getMessage(), e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return readJson(in, file.toString());
        } catch (IOException e) {
            throw new TokenizerException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static JsonNode readJson(InputStream in, String name) {
        try {
            JsonNode node = MAPPER.readTree(in);
            if (node == null || !node.isObject()) {
                throw new TokenizerException(name + ": malformed JSON: the top level is not an object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new TokenizerException(name + ": malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new TokenizerException(name + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static int checkId(String file, String field, int id, int maxVocab) {
        if (id < 0 || id >= maxVocab) {
            throw bad(file, field, "token id " + id + " is outside [0, " + maxVocab + ")"
                    + (id >= maxVocab ? " (raise with -Ddream4j.tokenizer.maxVocab)" : ""));
        }
        return id;
    }

    private static TokenizerException bad(String file, String field, String what) {
        return new TokenizerException(file + ": field " + field + ": " + what);
    }

    private static boolean isNull(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode();
    }

    private static HfTokenizer build(JsonNode root, JsonNode config, String tf, String cf) {
        JsonNode model = root.get("model");
        if (isNull(model) || !model.isObject()) {
            throw bad(tf, "model", "missing");
        }
        JsonNode type = model.get("type");
        if (!isNull(type) && !"BPE".equals(type.asText())) {
            throw bad(tf, "model.type", "unsupported model type '" + type.asText() + "' (only byte-level BPE is supported)");
        }
        JsonNode vocabNode = model.get("vocab");
        if (isNull(vocabNode) || !vocabNode.isObject()) {
            throw bad(tf, "model.vocab", "missing or not an object");
        }
        JsonNode mergesNode = model.get("merges");
        if (isNull(mergesNode) || !mergesNode.isArray()) {
            throw bad(tf, "model.merges", "missing or not an array");
        }
        for (String f : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            JsonNode v = model.get(f);
            if (!isNull(v) && !v.asText().isEmpty()) {
                throw bad(tf, "model." + f, "unsupported value '" + v.asText() + "'");
            }
        }
        if (model.path("byte_fallback").asBoolean(false)) {
            throw bad(tf, "model.byte_fallback", "byte fallback is not supported (byte-level BPE only)");
        }
        JsonNode dropout = model.get("dropout");
        if (!isNull(dropout) && dropout.asDouble() != 0.0) {
            throw bad(tf, "model.dropout", "BPE dropout is not supported");
        }
        boolean ignoreMerges = model.path("ignore_merges").asBoolean(false);

        Map<String, Integer> tokenToId = new HashMap<>(vocabNode.size() * 2);
        int maxId = -1;
        int maxVocab = maxVocab();
        for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw bad(tf, "model.vocab", "the id of '" + e.getKey() + "' is not a non-negative integer");
            }
            int id = checkId(tf, "model.vocab", e.getValue().asInt(), maxVocab);
            tokenToId.put(e.getKey(), id);
            maxId = Math.max(maxId, id);
        }

        // added tokens: tokenizer.json's list, then tokenizer_config.json's added_tokens_decoder
        Map<Integer, AddedToken> added = new LinkedHashMap<>();
        JsonNode addedNode = root.get("added_tokens");
        if (!isNull(addedNode)) {
            if (!addedNode.isArray()) {
                throw bad(tf, "added_tokens", "not an array");
            }
            for (JsonNode a : addedNode) {
                if (!a.isObject() || !a.has("id") || !a.has("content")) {
                    throw bad(tf, "added_tokens", "an entry lacks id or content");
                }
                JsonNode idNode = a.get("id");
                if (!idNode.isIntegralNumber() || !idNode.canConvertToInt()) {
                    throw bad(tf, "added_tokens", "id " + idNode + " is not an integer");
                }
                int id = checkId(tf, "added_tokens", idNode.asInt(), maxVocab);
                added.put(id, addedToken(id, a));
            }
        }
        JsonNode decoderMap = config.get("added_tokens_decoder");
        if (!isNull(decoderMap)) {
            if (!decoderMap.isObject()) {
                throw bad(cf, "added_tokens_decoder", "not an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = decoderMap.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException ex) {
                    throw bad(cf, "added_tokens_decoder", "key '" + e.getKey() + "' is not an id");
                }
                checkId(cf, "added_tokens_decoder", id, maxVocab);
                if (!e.getValue().isObject() || !e.getValue().has("content")) {
                    throw bad(cf, "added_tokens_decoder." + id, "lacks content");
                }
                added.putIfAbsent(id, addedToken(id, e.getValue()));
            }
        }
        for (AddedToken t : added.values()) {
            tokenToId.putIfAbsent(t.content(), t.id());
            maxId = Math.max(maxId, t.id());
        }
        String[] idToToken = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : tokenToId.entrySet()) {
            idToToken[e.getValue()] = e.getKey();
        }
        boolean[] special = new boolean[maxId + 1];
        for (AddedToken t : added.values()) {
            idToToken[t.id()] = t.content();
            special[t.id()] = t.special();
        }

        // byte-level alphabet and merges
        int[] byteIds = new int[256];
        for (int b = 0; b < 256; b++) {
            Integer id = tokenToId.get(String.valueOf(ByteLevel.BYTE_TO_CHAR[b]));
            if (id == null) {
                throw bad(tf, "model.vocab", "lacks the byte-level token for byte " + b + " (not a byte-level BPE vocabulary)");
            }
            byteIds[b] = id;
        }
        int nm = mergesNode.size();
        int[][] merges = new int[nm][];
        int[] mergedIds = new int[nm];
        int k = 0;
        for (JsonNode m : mergesNode) {
            String a;
            String b;
            if (m.isTextual()) {
                String s = m.asText();
                int sp = s.indexOf(' ', 1);
                if (sp < 0) {
                    throw bad(tf, "model.merges[" + k + "]", "'" + s + "' is not two tokens separated by a space");
                }
                a = s.substring(0, sp);
                b = s.substring(sp + 1);
            } else if (m.isArray() && m.size() == 2) {
                a = m.get(0).asText();
                b = m.get(1).asText();
            } else {
                throw bad(tf, "model.merges[" + k + "]", "neither \"a b\" nor [a, b]");
            }
            Integer ia = tokenToId.get(a);
            Integer ib = tokenToId.get(b);
            Integer im = tokenToId.get(a + b);
            if (ia == null || ib == null || im == null) {
                throw bad(tf, "model.merges[" + k + "]", "merge '" + a + " " + b + "' uses a token that is not in model.vocab");
            }
            merges[k] = new int[] {ia, ib};
            mergedIds[k] = im;
            k++;
        }
        Map<String, Integer> vocabOnly = ignoreMerges ? Map.copyOf(vocabNode.size() > 0 ? tokenToId : Map.of()) : null;
        Bpe bpe = new Bpe(merges, mergedIds, byteIds, vocabOnly == null ? null : word -> vocabOnly.get(mapBytes(word)));

        boolean nfc = parseNormalizer(root.get("normalizer"), tf, "normalizer");
        boolean[] prefixSpace = new boolean[1];
        PreTokenizer pre = parsePreTokenizer(root.get("pre_tokenizer"), tf, prefixSpace);
        JsonNode decoder = root.get("decoder");
        if (!isNull(decoder)) {
            String dt = decoder.path("type").asText();
            if (!"ByteLevel".equals(dt)) {
                throw bad(tf, "decoder.type", "unsupported decoder '" + dt + "' (only ByteLevel)");
            }
        }

        List<Integer> prefix = new ArrayList<>();
        List<Integer> suffix = new ArrayList<>();
        parsePostProcessor(root.get("post_processor"), tf, tokenToId, prefix, suffix);
        if (config.path("add_bos_token").asBoolean(false)) {
            String bos = tokenContent(config.get("bos_token"));
            if (bos == null) {
                throw bad(cf, "bos_token", "add_bos_token is true but bos_token is missing");
            }
            Integer id = tokenToId.get(bos);
            if (id == null) {
                throw bad(cf, "bos_token", "'" + bos + "' is not in the vocabulary");
            }
            if (prefix.isEmpty() || prefix.get(0).intValue() != id) {
                prefix.add(0, id);
            }
        }
        if (config.path("add_eos_token").asBoolean(false)) {
            String eos = tokenContent(config.get("eos_token"));
            Integer id = eos == null ? null : tokenToId.get(eos);
            if (id == null) {
                throw bad(cf, "eos_token", "add_eos_token is true but eos_token is missing or unknown");
            }
            suffix.add(id);
        }

        JinjaTemplate template = null;
        String templateText = chatTemplateText(config.get("chat_template"), cf);
        if (templateText != null) {
            try {
                Map<String, Object> vars = new HashMap<>();
                for (String f : new String[] {"bos_token", "eos_token", "pad_token", "unk_token"}) {
                    String v = tokenContent(config.get(f));
                    if (v != null) {
                        vars.put(f, v);
                    }
                }
                template = new JinjaTemplate(templateText, vars);
            } catch (TemplateException e) {
                throw bad(cf, "chat_template", e.getMessage());
            }
        }
        LOG.debug("loaded tokenizer: {} ids, {} merges, {} added tokens", idToToken.length, nm, added.size());
        return new HfTokenizer(tokenToId, idToToken, special, bpe, nfc, pre, prefixSpace[0],
                List.copyOf(added.values()), prefix.stream().mapToInt(Integer::intValue).toArray(),
                suffix.stream().mapToInt(Integer::intValue).toArray(), template);
    }

    static String mapBytes(String word) {
        byte[] b = word.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        char[] c = new char[b.length];
        for (int i = 0; i < b.length; i++) {
            c[i] = ByteLevel.BYTE_TO_CHAR[b[i] & 0xFF];
        }
        return new String(c);
    }

    private static AddedToken addedToken(int id, JsonNode a) {
        return new AddedToken(id, a.get("content").asText(), a.path("special").asBoolean(false),
                a.path("lstrip").asBoolean(false), a.path("rstrip").asBoolean(false),
                a.path("normalized").asBoolean(!a.path("special").asBoolean(false)),
                a.path("single_word").asBoolean(false));
    }

    private static String tokenContent(JsonNode n) {
        if (isNull(n)) {
            return null;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        JsonNode c = n.get("content");
        return isNull(c) ? null : c.asText();
    }

    private static String chatTemplateText(JsonNode n, String cf) {
        if (isNull(n)) {
            return null;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.isArray()) {
            for (JsonNode e : n) {
                if ("default".equals(e.path("name").asText())) {
                    return e.path("template").asText();
                }
            }
            throw bad(cf, "chat_template", "a list of templates without one named 'default'");
        }
        throw bad(cf, "chat_template", "neither a string nor a list of named templates");
    }

    private static boolean parseNormalizer(JsonNode n, String tf, String field) {
        if (isNull(n)) {
            return false;
        }
        String t = n.path("type").asText();
        switch (t) {
            case "NFC":
                return true;
            case "Sequence": {
                boolean nfc = false;
                int i = 0;
                for (JsonNode c : n.path("normalizers")) {
                    nfc |= parseNormalizer(c, tf, field + ".normalizers[" + i++ + "]");
                }
                return nfc;
            }
            default:
                throw bad(tf, field + ".type", "unsupported normalizer '" + t + "' (only NFC or none)");
        }
    }

    private static PreTokenizer parsePreTokenizer(JsonNode n, String tf, boolean[] prefixSpace) {
        if (isNull(n)) {
            throw bad(tf, "pre_tokenizer", "missing (a ByteLevel pre-tokenizer is required)");
        }
        String t = n.path("type").asText();
        if ("ByteLevel".equals(t)) {
            prefixSpace[0] = n.path("add_prefix_space").asBoolean(false);
            return n.path("use_regex").asBoolean(true) ? Scanners.GPT2 : PreTokenizer.WHOLE;
        }
        if (!"Sequence".equals(t)) {
            throw bad(tf, "pre_tokenizer.type", "unsupported pre-tokenizer '" + t + "' (ByteLevel or Sequence[Split..., ByteLevel])");
        }
        JsonNode list = n.path("pretokenizers");
        List<PreTokenizer> splits = new ArrayList<>();
        boolean byteLevel = false;
        for (int i = 0; i < list.size(); i++) {
            JsonNode p = list.get(i);
            String pt = p.path("type").asText();
            String field = "pre_tokenizer.pretokenizers[" + i + "]";
            if ("ByteLevel".equals(pt) && i == list.size() - 1) {
                prefixSpace[0] = p.path("add_prefix_space").asBoolean(false);
                if (p.path("use_regex").asBoolean(true)) {
                    splits.add(Scanners.GPT2);
                }
                byteLevel = true;
            } else if ("Split".equals(pt)) {
                splits.add(parseSplit(p, tf, field));
            } else {
                throw bad(tf, field + ".type", "unsupported pre-tokenizer '" + pt + "'");
            }
        }
        if (!byteLevel) {
            throw bad(tf, "pre_tokenizer.pretokenizers", "no trailing ByteLevel pre-tokenizer (not byte-level BPE)");
        }
        if (splits.isEmpty()) {
            return PreTokenizer.WHOLE;
        }
        if (splits.size() == 1) {
            return splits.get(0);
        }
        return chain(splits);
    }

    private static PreTokenizer chain(List<PreTokenizer> splits) {
        return (text, out) -> {
            Spans cur = new Spans();
            cur.add(0, text.length());
            for (PreTokenizer p : splits) {
                Spans next = new Spans();
                Spans tmp = new Spans();
                for (int i = 0; i < cur.count(); i++) {
                    int s = cur.start(i);
                    tmp.clear();
                    p.split(text.substring(s, cur.end(i)), tmp);
                    for (int j = 0; j < tmp.count(); j++) {
                        next.add(s + tmp.start(j), s + tmp.end(j));
                    }
                }
                cur = next;
            }
            for (int i = 0; i < cur.count(); i++) {
                out.add(cur.start(i), cur.end(i));
            }
        };
    }

    private static PreTokenizer parseSplit(JsonNode p, String tf, String field) {
        if (p.path("invert").asBoolean(false)) {
            throw bad(tf, field + ".invert", "inverted splits are not supported");
        }
        String behavior = p.path("behavior").asText();
        if (!"Isolated".equals(behavior) && !"Removed".equals(behavior)) {
            throw bad(tf, field + ".behavior", "unsupported split behavior '" + behavior + "' (Isolated or Removed)");
        }
        JsonNode pattern = p.path("pattern");
        Pattern compiled;
        if (pattern.has("Regex")) {
            String re = pattern.get("Regex").asText();
            if ("Isolated".equals(behavior)) {
                if (PreTokenizer.QWEN2_PATTERN.equals(re)) {
                    return Scanners.QWEN2;
                }
                if (PreTokenizer.GPT2_PATTERN.equals(re)) {
                    return Scanners.GPT2;
                }
            }
            try {
                compiled = Pattern.compile(re, Pattern.UNICODE_CHARACTER_CLASS);
            } catch (PatternSyntaxException e) {
                throw bad(tf, field + ".pattern.Regex", "cannot compile: " + e.getDescription());
            }
            LOG.info("{}: pre-tokenizer regex has no exact scanner; using java.util.regex (may differ from Oniguruma): {}", tf, re);
        } else if (pattern.has("String")) {
            compiled = Pattern.compile(Pattern.quote(pattern.get("String").asText()));
        } else {
            throw bad(tf, field + ".pattern", "neither Regex nor String");
        }
        return PreTokenizer.regex(compiled, "Removed".equals(behavior));
    }

    private static void parsePostProcessor(JsonNode n, String tf, Map<String, Integer> vocab, List<Integer> prefix,
                                           List<Integer> suffix) {
        if (isNull(n)) {
            return;
        }
        String t = n.path("type").asText();
        if ("ByteLevel".equals(t)) {
            return;
        }
        if (!"TemplateProcessing".equals(t)) {
            throw bad(tf, "post_processor.type", "unsupported post-processor '" + t + "' (ByteLevel or TemplateProcessing)");
        }
        boolean seenSequence = false;
        int i = 0;
        for (JsonNode piece : n.path("single")) {
            String field = "post_processor.single[" + i++ + "]";
            if (piece.has("Sequence")) {
                seenSequence = true;
            } else if (piece.has("SpecialToken")) {
                String name = piece.get("SpecialToken").path("id").asText();
                JsonNode st = n.path("special_tokens").path(name).path("ids");
                List<Integer> target = seenSequence ? suffix : prefix;
                if (st.isArray() && !st.isEmpty()) {
                    for (JsonNode id : st) {
                        target.add(id.asInt());
                    }
                } else if (vocab.containsKey(name)) {
                    target.add(vocab.get(name));
                } else {
                    throw bad(tf, field, "special token '" + name + "' is unknown");
                }
            } else {
                throw bad(tf, field, "neither Sequence nor SpecialToken");
            }
        }
    }
}
