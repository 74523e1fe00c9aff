import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dream4j.Dream4j;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.GenerationResult;
import dev.dream4j.demo.DemoModel;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The third-party sampler's own option set through the Java API and through the server, with the plug-in loaded from
 * a directory at run time: nothing is rebuilt. Run as a source file on the dream4j module path (run-example.sh steps 6
 * and 7): {@code java -p cli/target/lib --add-modules ALL-MODULE-PATH OptionClients.java MODE ...}
 * <ul>
 *   <li>{@code api PLUGIN_DIR MARGIN}: generates with {@code option("margin", MARGIN)}; prints the generated ids
 *       (comma-separated, as {@code dream4j generate --json} gives them) and the text as a JSON string;</li>
 *   <li>{@code server URL OPTION VALUE}: POSTs the same request to {@code URL/v1/completions} with
 *       {@code "options": {OPTION: VALUE}}; prints the HTTP status and the text as a JSON string, or the error body.</li>
 * </ul>
 */
public class OptionClients {
    static final String PROMPT = "def fibonacci(n):";

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        switch (args[0]) {
            case "api" -> {
                try (DiffusionLM lm = Dream4j.builder().model(DemoModel.directory()).pluginDirectory(Path.of(args[1])).build()) {
                    GenerationResult r = lm.generate(GenerationRequest.builder().prompt(PROMPT).maxNewTokens(32).steps(8)
                            .temperature(0).seed(7).sampler("left-to-right").option("margin", Double.parseDouble(args[2])).build());
                    System.out.println(r.first().generatedIds().stream().map(String::valueOf).collect(Collectors.joining(",")));
                    System.out.println(json.writeValueAsString(r.first().text()));
                }
            }
            case "server" -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("prompt", PROMPT);
                body.put("max_tokens", 32);
                body.put("steps", 8);
                body.put("temperature", 0);
                body.put("seed", 7);
                body.put("sampler", "left-to-right");
                body.put("options", Map.of(args[2], Double.parseDouble(args[3])));
                try (HttpClient http = HttpClient.newHttpClient()) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(args[1] + "/v1/completions"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    System.out.println(r.statusCode());
                    JsonNode answer = json.readTree(r.body());
                    System.out.println(r.statusCode() == 200
                            ? json.writeValueAsString(answer.get("choices").get(0).get("text").asText()) : r.body());
                }
            }
            default -> throw new IllegalArgumentException("mode api or server, got " + args[0]);
        }
    }
}
