package dev.dream4j.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The small byte-level BPE tokenizer of synthetic checkpoints: the 256 byte symbols of GPT-2's byte-to-unicode
 * table, merges that spell a few Python keywords, and Dream's added tokens, in the Qwen2 {@code tokenizer.json}
 * layout.
 */
final class SyntheticTokenizer {
    static final String SPLIT_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final List<String> WORDS = List.of("def", "return", "self", "if", "else", "elif", "for", "in",
            "while", "import", "from", "class", "print", "None", "True", "False", "and", "or", "not", "is", "the",
            "value", "result", "range", "len", "list", "fibonacci", "sort");
    private static final List<String> SPECIALS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>",
            "<|beginoftext|>", "<|mask|>");
    private static final String EXPAND = "<|expand|>";

    private SyntheticTokenizer() {
    }

    /** GPT-2's reversible byte to printable-character table. */
    static char[] byteToUnicode() {
        char[] table = new char[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) direct[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) direct[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) direct[b] = true;
        int next = 0;
        for (int b = 0; b < 256; b++) {
            table[b] = direct[b] ? (char) b : (char) (256 + next++);
        }
        return table;
    }

    private static List<String[]> merges() {
        char space = byteToUnicode()[' '];
        char newline = byteToUnicode()['\n'];
        Set<String> seen = new LinkedHashSet<>();
        List<String[]> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        words.add("" + space + space);
        words.add("" + space + space + space + space);
        words.add("" + newline + newline);
        for (String w : WORDS) {
            words.add(w);
            words.add(space + w);
        }
        for (String w : words) {
            String prefix = w.substring(0, 1);
            for (int i = 1; i < w.length(); i++) {
                String next = w.substring(i, i + 1);
                if (seen.add(prefix + " " + next)) {
                    out.add(new String[]{prefix, next});
                }
                prefix = prefix + next;
            }
        }
        return out;
    }

    static Map<String, Integer> vocab() {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        char[] table = byteToUnicode();
        List<Character> symbols = new ArrayList<>();
        for (char c : table) symbols.add(c);
        symbols.sort(null);
        for (char c : symbols) {
            vocab.put(String.valueOf(c), vocab.size());
        }
        for (String[] m : merges()) {
            vocab.putIfAbsent(m[0] + m[1], vocab.size());
        }
        return vocab;
    }

    static Map<String, Integer> specialIds(boolean expand) {
        int base = vocab().size();
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String s : SPECIALS) {
            ids.put(s, base + ids.size());
        }
        if (expand) {
            ids.put(EXPAND, base + ids.size());
        }
        return ids;
    }

    static int size(boolean expand) {
        return vocab().size() + SPECIALS.size() + (expand ? 1 : 0);
    }

    static void write(Path dir, boolean expand, JsonFiles json) throws IOException {
        Map<String, Integer> specials = specialIds(expand);
        List<Map<String, Object>> added = new ArrayList<>();
        Map<String, Object> decoder = new LinkedHashMap<>();
        for (var e : specials.entrySet()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", e.getValue());
            t.put("content", e.getKey());
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
            added.add(t);
            Map<String, Object> d = new LinkedHashMap<>(t);
            d.remove("id");
            decoder.put(String.valueOf(e.getValue()), d);
        }
        Map<String, Object> tok = new LinkedHashMap<>();
        tok.put("version", "1.0");
        tok.put("truncation", null);
        tok.put("padding", null);
        tok.put("added_tokens", added);
        tok.put("normalizer", Map.of("type", "NFC"));
        tok.put("pre_tokenizer", Map.of("type", "Sequence", "pretokenizers", List.of(
                Map.of("type", "Split", "pattern", Map.of("Regex", SPLIT_REGEX), "behavior", "Isolated", "invert", false),
                Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", false, "use_regex", false))));
        tok.put("post_processor", Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", false, "use_regex", false));
        tok.put("decoder", Map.of("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", false, "use_regex", false));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        model.put("vocab", vocab());
        model.put("merges", merges().stream().map(m -> m[0] + " " + m[1]).toList());
        tok.put("model", model);
        json.write(dir.resolve("tokenizer.json"), tok);

        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("add_bos_token", false);
        cfg.put("add_prefix_space", false);
        cfg.put("added_tokens_decoder", decoder);
        cfg.put("bos_token", null);
        cfg.put("chat_template", "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
                + "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
                + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
                + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}");
        cfg.put("clean_up_tokenization_spaces", false);
        cfg.put("eos_token", "<|endoftext|>");
        cfg.put("mask_token", "<|mask|>");
        cfg.put("model_max_length", 131072);
        cfg.put("pad_token", "<|endoftext|>");
        cfg.put("tokenizer_class", "Qwen2Tokenizer");
        cfg.put("unk_token", null);
        json.write(dir.resolve("tokenizer_config.json"), cfg);
    }
}
