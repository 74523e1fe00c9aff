package dev.dream4j.tokenizer.hf;

import dev.dream4j.tokenizer.StreamingDecoder;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Streams the bytes of ids as text, holding back only a trailing incomplete (but so far valid) UTF-8 sequence, so the
 * concatenated output equals a lossy decode of all bytes at once.
 */
final class Utf8StreamingDecoder implements StreamingDecoder {

    private final IntFunction<byte[]> bytesOfId;
    private byte[] pending = new byte[0];

    Utf8StreamingDecoder(IntFunction<byte[]> bytesOfId) {
        this.bytesOfId = bytesOfId;
    }

    @Override
    public String push(int id) {
        byte[] b = bytesOfId.apply(id);
        if (b.length == 0) {
            return "";
        }
        byte[] all = Arrays.copyOf(pending, pending.length + b.length);
        System.arraycopy(b, 0, all, pending.length, b.length);
        int keep = incompleteTail(all);
        pending = Arrays.copyOfRange(all, all.length - keep, all.length);
        return Utf8.decodeLossy(all, 0, all.length - keep);
    }

    @Override
    public String finish() {
        String s = Utf8.decodeLossy(pending, 0, pending.length);
        pending = new byte[0];
        return s;
    }

    /** How many trailing bytes form the valid beginning of a UTF-8 sequence that is not complete yet. */
    static int incompleteTail(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int lead = b[n - back] & 0xFF;
            if (lead >= 0x80 && lead < 0xC0) {
                continue; // continuation byte: look further back
            }
            int need = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? (lead <= 0xEF ? 3 : 0) : lead >= 0xC2 ? 2 : 0;
            if (need <= back) {
                return 0; // complete, or not a lead byte at all
            }
            if (back >= 2) {
                int second = b[n - back + 1] & 0xFF;
                int lo = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
                int hi = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
                if (second < lo || second > hi) {
                    return 0;
                }
            }
            return back;
        }
        return 0;
    }
}
