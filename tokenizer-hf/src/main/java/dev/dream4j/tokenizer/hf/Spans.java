package dev.dream4j.tokenizer.hf;

import java.util.Arrays;

/** A growable list of [start, end) character spans. */
final class Spans {
    int[] data = new int[64];
    int size;

    void add(int start, int end) {
        if (size + 2 > data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        data[size++] = start;
        data[size++] = end;
    }

    int count() {
        return size / 2;
    }

    int start(int i) {
        return data[2 * i];
    }

    int end(int i) {
        return data[2 * i + 1];
    }

    void clear() {
        size = 0;
    }
}
