package dev.dream4j.tokenizer.hf;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE: pairs of ids to (rank, merged id) in an open-addressing table, and a heap-driven merge loop over a
 * linked list of symbols, O(n log n) per word. Results are cached per pre-token word.
 */
final class Bpe {

    private static final int CACHE_LIMIT = 200_000;

    private final long[] keys;
    private final long[] values; // rank << 32 | merged id
    private final int mask;
    /** Id of the single-byte token for each byte value. */
    private final int[] byteIds;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    /** With {@code ignore_merges}: the id of a word that is itself in the vocabulary, else null. */
    private final java.util.function.Function<String, Integer> wholeWords;

    Bpe(int[][] merges, int[] mergedIds, int[] byteIds, java.util.function.Function<String, Integer> wholeWords) {
        this.wholeWords = wholeWords;
        int cap = Integer.highestOneBit(Math.max(16, merges.length * 2)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, -1L);
        values = new long[cap];
        mask = cap - 1;
        for (int rank = 0; rank < merges.length; rank++) {
            long key = pairKey(merges[rank][0], merges[rank][1]);
            int slot = slot(key);
            while (keys[slot] != -1L && keys[slot] != key) {
                slot = (slot + 1) & mask;
            }
            if (keys[slot] == key) {
                continue; // a duplicate merge keeps its first (best) rank, as Hugging Face does
            }
            keys[slot] = key;
            values[slot] = ((long) rank << 32) | (mergedIds[rank] & 0xFFFFFFFFL);
        }
        this.byteIds = byteIds;
    }

    private static long pairKey(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    /** rank << 32 | merged id, or -1 when the pair does not merge. */
    private long lookup(int a, int b) {
        long key = pairKey(a, b);
        int slot = slot(key);
        while (true) {
            long k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == -1L) {
                return -1L;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Ids of one pre-token word. */
    int[] encodeWord(String word) {
        int[] cached = cache.get(word);
        if (cached != null) {
            return cached;
        }
        int[] ids = null;
        if (wholeWords != null) {
            Integer whole = wholeWords.apply(word);
            if (whole != null) {
                ids = new int[] {whole};
            }
        }
        if (ids == null) {
            ids = merge(word.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(word, ids);
        return ids;
    }

    int[] merge(byte[] utf8) {
        int n = utf8.length;
        int[] sym = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = byteIds[utf8[i] & 0xFF];
        }
        if (n == 1) {
            return sym;
        }
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        // min-heap of (rank << 32 | position): the lowest rank first, the leftmost among equals
        long[] heap = new long[n];
        int size = 0;
        for (int i = 0; i + 1 < n; i++) {
            long v = lookup(sym[i], sym[i + 1]);
            if (v >= 0) {
                size = push(heap, size, (v & 0xFFFFFFFF00000000L) | i);
            }
        }
        int count = n;
        while (size > 0) {
            long top = heap[0];
            size = pop(heap, size);
            int pos = (int) top;
            int rank = (int) (top >>> 32);
            if (sym[pos] < 0) {
                continue; // merged away
            }
            int right = next[pos];
            if (right < 0) {
                continue;
            }
            long v = lookup(sym[pos], sym[right]);
            if (v < 0 || (int) (v >>> 32) != rank) {
                continue; // stale entry
            }
            sym[pos] = (int) v;
            sym[right] = -1;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) {
                prev[after] = pos;
            }
            count--;
            int before = prev[pos];
            if (before >= 0) {
                long w = lookup(sym[before], sym[pos]);
                if (w >= 0) {
                    if (size == heap.length) {
                        heap = Arrays.copyOf(heap, heap.length * 2);
                    }
                    size = push(heap, size, (w & 0xFFFFFFFF00000000L) | before);
                }
            }
            if (after >= 0) {
                long w = lookup(sym[pos], sym[after]);
                if (w >= 0) {
                    if (size == heap.length) {
                        heap = Arrays.copyOf(heap, heap.length * 2);
                    }
                    size = push(heap, size, (w & 0xFFFFFFFF00000000L) | pos);
                }
            }
        }
        int[] out = new int[count];
        int k = 0;
        for (int i = 0; i >= 0; i = next[i]) {
            out[k++] = sym[i];
        }
        return out;
    }

    private static int push(long[] heap, int size, long v) {
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= v) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
        return size;
    }

    private static int pop(long[] heap, int size) {
        long last = heap[--size];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= last) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (size > 0) {
            heap[i] = last;
        }
        return size;
    }
}
