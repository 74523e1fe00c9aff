package dev.dream4j.tokenizer.hf;

/**
 * Lossy UTF-8 decoding with the replacement rule of Rust's {@code String::from_utf8_lossy} (which the Hugging Face
 * ByteLevel decoder uses): each maximal invalid subpart becomes one U+FFFD.
 */
final class Utf8 {

    private Utf8() {
    }

    static String decodeLossy(byte[] b, int off, int end) {
        StringBuilder sb = new StringBuilder(end - off);
        int i = off;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                sb.append((char) c);
                i++;
                continue;
            }
            int width = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
            if (width == 0) {
                sb.append('\uFFFD');
                i++;
                continue;
            }
            // how many bytes of a valid prefix follow
            int lo = 0x80;
            int hi = 0xBF;
            if (c == 0xE0) {
                lo = 0xA0;
            } else if (c == 0xED) {
                hi = 0x9F;
            } else if (c == 0xF0) {
                lo = 0x90;
            } else if (c == 0xF4) {
                hi = 0x8F;
            }
            int valid = 1;
            if (i + 1 < end && (b[i + 1] & 0xFF) >= lo && (b[i + 1] & 0xFF) <= hi) {
                valid = 2;
                while (valid < width && i + valid < end && (b[i + valid] & 0xC0) == 0x80) {
                    valid++;
                }
            }
            if (valid < width) {
                sb.append('\uFFFD');
                i += valid;
                continue;
            }
            int cp = switch (width) {
                case 2 -> ((c & 0x1F) << 6) | (b[i + 1] & 0x3F);
                case 3 -> ((c & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F);
                default -> ((c & 0x07) << 18) | ((b[i + 1] & 0x3F) << 12) | ((b[i + 2] & 0x3F) << 6) | (b[i + 3] & 0x3F);
            };
            sb.appendCodePoint(cp);
            i += width;
        }
        return sb.toString();
    }
}
