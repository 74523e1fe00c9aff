package dev.dream4j.fuzz;

import dev.dream4j.api.ChatMessage;
import dev.dream4j.checkpoint.HfCheckpoint;
import dev.dream4j.spi.model.TensorView;
import dev.dream4j.tokenizer.Tokenizer;
import dev.dream4j.tokenizer.TokenizerProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * The five fuzz targets: safetensors headers, checkpoint configs, tokenizer files, chat templates and Unicode text,
 * each through the public API a model load or a request goes through. Tokenizers (and their chat templates) are
 * loaded as the kernel loads them: files in a directory, read by the {@link TokenizerProvider} that ServiceLoader finds.
 */
public final class Targets {
    private static final List<String> DTYPES = List.of("BF16", "F16", "F32", "I64", "F64", "bf16", "");
    private static final List<ChatMessage> MESSAGES = List.of(ChatMessage.system("be brief"), ChatMessage.user("hi {{ x }} é\u0301"),
            new ChatMessage("assistant", "ok"), ChatMessage.user("again"));

    private Targets() {
    }

    /** All five, over seed files from {@code seedDir} (a checkpoint directory with tokenizer files), writing under {@code scratch}. */
    public static List<Target> all(Path seedDir, Path scratch) {
        String tokenizerJson = read(seedDir.resolve("tokenizer.json"));
        String tokenizerConfig = read(seedDir.resolve("tokenizer_config.json"));
        String config = read(seedDir.resolve("config.json"));
        String generationConfig = read(seedDir.resolve("generation_config.json"));
        Tokenizers tokenizers = new Tokenizers(Tokenizers.provider("hf"), scratch);
        return List.of(safetensors(scratch), configs(scratch, config, generationConfig), tokenizerFiles(tokenizers, tokenizerJson, tokenizerConfig),
                templates(tokenizers, tokenizerJson, tokenizerConfig), unicode(tokenizers, tokenizerJson, tokenizerConfig));
    }

    /** Loads tokenizers from file contents: written to a fresh directory under {@code scratch}, read by {@code provider}. */
    record Tokenizers(TokenizerProvider provider, Path scratch) {
        /** The tokenizer provider named {@code name}, found through ServiceLoader. */
        static TokenizerProvider provider(String name) {
            return ServiceLoader.load(TokenizerProvider.class).stream().map(ServiceLoader.Provider::get)
                    .filter(p -> p.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no tokenizer provider named " + name + " on the class path"));
        }

        Tokenizer load(String tokenizerJson, String tokenizerConfig) throws IOException {
            Path dir = Files.createTempDirectory(scratch, "tok");
            try {
                Files.write(dir.resolve("tokenizer.json"), tokenizerJson.getBytes(StandardCharsets.UTF_8));
                Files.write(dir.resolve("tokenizer_config.json"), tokenizerConfig.getBytes(StandardCharsets.UTF_8));
                return provider.load(dir);
            } finally {
                delete(dir);
            }
        }
    }

    /**
     * {@code text} as a JSON string; everything outside printable ASCII as a JSON unicode escape, so lone surrogates reach
     * the template as they were drawn instead of being replaced when the file is written as UTF-8.
     */
    static String jsonString(String text) {
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20 || ch > 0x7e) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.append('"').toString();
    }

    /** Half the time any edit, half the time values only (the file still parses, so its reader's checks are reached). */
    private static String json(Mutator m, String text) {
        return m.random().nextBoolean() ? m.mutate(text) : m.mutateJsonValues(text);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Text(String text) implements Target.Case {
        @Override
        public String describe() {
            return text;
        }
    }

    private record Files2(Map<String, String> files) implements Target.Case {
        @Override
        public String describe() {
            return files.toString();
        }
    }

    private record Safetensors(String header, long lengthField, int dataBytes) implements Target.Case {
        @Override
        public String describe() {
            return "length field " + lengthField + ", data " + dataBytes + " bytes, header " + header;
        }
    }

    // ------------------------------------------------------------------ safetensors headers

    static Target safetensors(Path scratch) {
        return new Target() {
            @Override
            public String name() {
                return "safetensors-header";
            }

            @Override
            public Target.Case generate(Mutator m) {
                var r = m.random();
                StringBuilder h = new StringBuilder("{");
                if (r.nextBoolean()) {
                    h.append("\"__metadata__\":{\"format\":\"pt\"},");
                }
                int tensors = 1 + r.nextInt(4);
                long offset = 0;
                for (int t = 0; t < tensors; t++) {
                    String dtype = r.nextInt(5) == 0 ? DTYPES.get(r.nextInt(DTYPES.size())) : "F32";
                    int rank = r.nextInt(4);
                    StringBuilder shape = new StringBuilder("[");
                    long elements = 1;
                    for (int d = 0; d < rank; d++) {
                        long dim = r.nextInt(6) == 0 ? m.interestingLong() : 1 + r.nextInt(4);
                        elements *= dim;
                        shape.append(d > 0 ? "," : "").append(dim);
                    }
                    shape.append(']');
                    long end = offset + 4 * elements;
                    h.append(t > 0 ? "," : "").append("\"t").append(t).append("\":{\"dtype\":\"").append(dtype)
                            .append("\",\"shape\":").append(shape).append(",\"data_offsets\":[")
                            .append(r.nextInt(8) == 0 ? m.interestingLong() : offset).append(',').append(end).append("]}");
                    offset = end;
                }
                h.append('}');
                String header = r.nextBoolean() ? h.toString() : m.mutate(h.toString());
                long length = r.nextInt(8) == 0 ? m.interestingLong() : -1;
                int data = (int) Math.max(0, Math.min(256, offset + (r.nextInt(4) == 0 ? r.nextInt(9) - 4 : 0)));
                return new Safetensors(header, length, data);
            }

            @Override
            public void run(Target.Case c) throws IOException {
                Safetensors s = (Safetensors) c;
                Path dir = Files.createTempDirectory(scratch, "st");
                try {
                    byte[] h = s.header().getBytes(StandardCharsets.UTF_8);
                    ByteBuffer b = ByteBuffer.allocate(8 + h.length + s.dataBytes()).order(ByteOrder.LITTLE_ENDIAN);
                    b.putLong(s.lengthField() == -1 ? h.length : s.lengthField()).put(h);
                    Files.writeString(dir.resolve("config.json"), "{}");
                    Files.write(dir.resolve("model.safetensors"), b.array());
                    try (HfCheckpoint cp = HfCheckpoint.open(dir)) {
                        for (String name : cp.tensorNames()) {
                            TensorView t = cp.tensor(name);
                            if (t.elementCount() > 0) {
                                t.getFloat(0);
                                t.getFloat(t.elementCount() - 1);
                            }
                        }
                    }
                } finally {
                    delete(dir);
                }
            }
        };
    }

    // ------------------------------------------------------------------ configs

    static Target configs(Path scratch, String config, String generationConfig) {
        String index = "{\"metadata\":{\"total_size\":8},\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}";
        return new Target() {
            @Override
            public String name() {
                return "checkpoint-config";
            }

            @Override
            public Target.Case generate(Mutator m) {
                var r = m.random();
                String which = List.of("config.json", "generation_config.json", "model.safetensors.index.json").get(r.nextInt(3));
                String c = which.equals("config.json") ? json(m, config) : config;
                String g = which.equals("generation_config.json") ? json(m, generationConfig) : generationConfig;
                String i = which.equals("model.safetensors.index.json") ? json(m, index) : index;
                return new Files2(Map.of("config.json", c, "generation_config.json", g, "model.safetensors.index.json", i));
            }

            @Override
            public void run(Target.Case c) throws IOException {
                Map<String, String> files = ((Files2) c).files();
                Path dir = Files.createTempDirectory(scratch, "cfg");
                try {
                    for (var e : files.entrySet()) {
                        Files.write(dir.resolve(e.getKey()), e.getValue().getBytes(StandardCharsets.UTF_8));
                    }
                    for (String shard : new String[] {"a", "b"}) {
                        String header = "{\"" + shard + "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
                        byte[] h = header.getBytes(StandardCharsets.UTF_8);
                        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h);
                        Files.write(dir.resolve("model-0000" + (shard.equals("a") ? 1 : 2) + "-of-00002.safetensors"), b.array());
                    }
                    try (HfCheckpoint cp = HfCheckpoint.open(dir)) {
                        cp.json("generation_config.json").ifPresent(j -> j.values().size());
                        cp.config().values().size();
                    }
                } finally {
                    delete(dir);
                }
            }
        };
    }

    // ------------------------------------------------------------------ tokenizer files

    static Target tokenizerFiles(Tokenizers tokenizers, String tokenizerJson, String tokenizerConfig) {
        return new Target() {
            @Override
            public String name() {
                return "tokenizer-files";
            }

            @Override
            public Target.Case generate(Mutator m) {
                boolean config = m.random().nextInt(3) == 0;
                return new Files2(Map.of("tokenizer.json", config ? tokenizerJson : json(m, tokenizerJson),
                        "tokenizer_config.json", config ? json(m, tokenizerConfig) : tokenizerConfig, "text", m.unicode(64)));
            }

            @Override
            public void run(Target.Case c) throws IOException {
                Map<String, String> f = ((Files2) c).files();
                exercise(tokenizers.load(f.get("tokenizer.json"), f.get("tokenizer_config.json")), f.get("text"));
            }

            @Override
            public String toString() {
                return name();
            }
        };
    }

    private static void exercise(Tokenizer t, String text) {
        int[] ids = t.encode(text, true);
        t.decode(ids, false);
        t.decode(ids, true);
        var stream = t.streamingDecoder(false);
        for (int id : ids) {
            stream.push(id);
        }
        stream.finish();
        if (t.chatTemplate().isPresent()) {
            t.applyChatTemplate(List.of(ChatMessage.user(text)));
        }
    }

    // ------------------------------------------------------------------ chat templates

    static Target templates(Tokenizers tokenizers, String tokenizerJson, String tokenizerConfig) {
        // the demo checkpoint's template, unescaped from its JSON string
        String demo = tokenizerConfig.substring(tokenizerConfig.indexOf("{% for"), tokenizerConfig.lastIndexOf("{% endif %}") + "{% endif %}".length())
                .replace("\\n", "\n").replace("\\\"", "\"");
        List<String> seeds = List.of(demo,
                "{%- set ns = namespace(found=false) -%}{%- for m in messages -%}{%- if m.role == 'system' -%}{%- set ns.found = true -%}{%- endif -%}{%- endfor -%}{{ ns.found }}",
                "{% for m in messages %}{{ loop.index }}:{{ m['content'] | trim | tojson }}{% if not loop.last %},{% endif %}{% endfor %}",
                "{{ messages | length }} {{ (messages[0].content ~ 'x')[1:3] }} {{ messages[-1].content.split(' ') | join('-') }}",
                "{% set x = [1, 2, 3] %}{% for a, b in [(1, 2), (3, 4)] %}{{ a * b // 1 % 7 }}{% endfor %}{{ x | reverse | list }}",
                "{{ raise_exception('no') if messages | length > 9 else 'fine' }}{{ range(3) | first }}{{ 'Hello'.upper().startswith('HE') }}");
        return new Target() {
            @Override
            public String name() {
                return "chat-template";
            }

            @Override
            public Target.Case generate(Mutator m) {
                String seed = seeds.get(m.random().nextInt(seeds.size()));
                return new Text(m.random().nextInt(10) == 0 ? seed : m.mutate(seed));
            }

            @Override
            public void run(Target.Case c) throws IOException {
                // the template as a checkpoint ships it: tokenizer_config.json's chat_template, rendered with the
                // generation prompt as a chat request renders it
                String config = "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\", \"chat_template\": " + jsonString(((Text) c).text()) + "}";
                tokenizers.load(tokenizerJson, config).applyChatTemplate(MESSAGES);
            }
        };
    }

    // ------------------------------------------------------------------ Unicode text and pre-tokenizer regexes

    static Target unicode(Tokenizers tokenizers, String tokenizerJson, String tokenizerConfig) {
        Tokenizer standard;
        try {
            standard = tokenizers.load(tokenizerJson, tokenizerConfig);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String regexMarker = "\"Regex\": \"";
        int at = tokenizerJson.indexOf(regexMarker);
        int end = tokenizerJson.indexOf("\"\n", at + regexMarker.length()); // the regex ends its line
        return new Target() {
            @Override
            public String name() {
                return "unicode-text";
            }

            @Override
            public Target.Case generate(Mutator m) {
                boolean customRegex = at >= 0 && end > at && m.random().nextInt(3) == 0;
                String regex = customRegex ? m.regex() : "";
                int max = m.random().nextInt(10) == 0 ? 20_000 : 400;
                return new Files2(Map.of("regex", regex, "text", m.unicode(max)));
            }

            @Override
            public void run(Target.Case c) throws IOException {
                Map<String, String> f = ((Files2) c).files();
                Tokenizer t = standard;
                if (!f.get("regex").isEmpty()) {
                    String escaped = f.get("regex").replace("\\", "\\\\").replace("\"", "\\\"");
                    t = tokenizers.load(tokenizerJson.substring(0, at + regexMarker.length()) + escaped + tokenizerJson.substring(end), tokenizerConfig);
                }
                exercise(t, f.get("text"));
            }
        };
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
