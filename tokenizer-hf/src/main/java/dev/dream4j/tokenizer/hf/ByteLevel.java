package dev.dream4j.tokenizer.hf;

/** GPT-2's reversible byte to printable-character table, as used by byte-level BPE. */
final class ByteLevel {

    /** {@code BYTE_TO_CHAR[b]} is the character standing for byte {@code b}. */
    static final char[] BYTE_TO_CHAR = new char[256];
    /** Byte of a character below 0x200, or -1 where the character stands for no byte. */
    private static final short[] CHAR_TO_BYTE = new short[0x200];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, (short) -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = (short) b;
        }
    }

    private ByteLevel() {
    }

    /** The byte {@code c} stands for, or -1. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /**
     * Bytes of a token as the Hugging Face ByteLevel decoder produces them: the mapped bytes when every character
     * stands for a byte, the token's own UTF-8 otherwise.
     */
    static byte[] tokenBytes(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            int b = byteOf(token.charAt(i));
            if (b < 0) {
                return token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            out[i] = (byte) b;
        }
        return out;
    }
}
