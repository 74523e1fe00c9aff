package dev.dream4j.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** The checkpoint's tokenizer (byte-level BPE, {@code tokenizer.json}) on a page of Python, both ways. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TokenizerBenchmark {
    static final String SOURCE = """
            import heapq
            from collections import defaultdict


            def dijkstra(graph, source):
                \"\"\"Shortest distances from source in a graph of {node: [(neighbour, weight), ...]}.\"\"\"
                distances = defaultdict(lambda: float("inf"))
                distances[source] = 0
                queue = [(0, source)]
                while queue:
                    distance, node = heapq.heappop(queue)
                    if distance > distances[node]:
                        continue
                    for neighbour, weight in graph.get(node, ()):
                        candidate = distance + weight
                        if candidate < distances[neighbour]:
                            distances[neighbour] = candidate
                            heapq.heappush(queue, (candidate, neighbour))
                return dict(distances)


            class LRUCache:
                def __init__(self, capacity: int) -> None:
                    self.capacity = capacity
                    self.items: dict[str, object] = {}

                def get(self, key: str):
                    if key not in self.items:
                        return None
                    value = self.items.pop(key)
                    self.items[key] = value
                    return value

                def put(self, key: str, value) -> None:
                    self.items.pop(key, None)
                    self.items[key] = value
                    if len(self.items) > self.capacity:
                        del self.items[next(iter(self.items))]
            """;

    private List<Integer> ids;

    @Setup(Level.Trial)
    public void setUp(DemoModelState state) {
        ids = state.lm.encode(SOURCE);
    }

    @Benchmark
    public List<Integer> encode(DemoModelState state) {
        return state.lm.encode(SOURCE);
    }

    @Benchmark
    public String decode(DemoModelState state) {
        return state.lm.decode(ids, true);
    }
}
