package dev.dream4j.server;

import dev.dream4j.api.TextTokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * The streaming state of each row: which text has been sent. Only <em>settled</em> text is sent: the longest prefix of
 * the generated region with no mask left in it, cut at the first end-of-text. Dream's loop never changes a committed
 * token, so that prefix can only grow; its text is sent as a delta. Trailing replacement characters (half a UTF-8
 * sequence) are held back, and so is a possible beginning of a stop string.
 */
final class SettledText {
    private final TextTokenizer tokenizer;
    private final int promptLength;
    private final int mask;
    private final int eos;
    private final List<String> stop;
    private final int holdBack;
    private final String[] sent;
    private final boolean[] closed;
    private final int[] tokens;
    private int open;

    SettledText(TextTokenizer tokenizer, int rows, int promptLength, int mask, int eos, List<String> stop) {
        this.tokenizer = tokenizer;
        this.promptLength = promptLength;
        this.mask = mask;
        this.eos = eos;
        this.stop = stop;
        this.holdBack = stop.stream().mapToInt(String::length).max().orElse(1) - 1;
        this.sent = new String[rows];
        this.closed = new boolean[rows];
        this.tokens = new int[rows];
        this.open = rows;
        Arrays.fill(sent, "");
    }

    /** The newly settled text of row {@code b} after a step ({@code ""} when nothing new settled). */
    String advance(int b, List<Integer> row) {
        if (closed[b]) {
            return "";
        }
        int end = promptLength;
        boolean sawEos = false;
        while (end < row.size()) {
            int id = row.get(end);
            if (id == mask) {
                break;
            }
            if (id == eos) {
                sawEos = true;
                break;
            }
            end++;
        }
        int[] ids = new int[end - promptLength];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = row.get(promptLength + i);
        }
        String text = tokenizer.decode(Arrays.stream(ids).boxed().toList(), true);
        int cut = text.length();
        while (cut > 0 && text.charAt(cut - 1) == '\uFFFD') {
            cut--;
        }
        text = text.substring(0, cut);
        int s = GenSpec.stopIndex(text, stop);
        tokens[b] = ids.length;
        if (s >= 0) {
            text = text.substring(0, s);
            close(b);
        } else if (sawEos) {
            close(b);
        } else if (holdBack > 0) {
            text = text.substring(0, Math.max(0, text.length() - holdBack));
        }
        return delta(b, text);
    }

    private void close(int b) {
        if (!closed[b]) {
            closed[b] = true;
            open--;
        }
    }

    /**
     * Whether every row's text is final: it reached an end-of-text or a stop string within its settled prefix. Later
     * steps cannot change it (committed tokens are never changed), so the generation may stop early.
     */
    boolean allFinal() {
        return open == 0;
    }

    /** Settled tokens of row {@code b} before its end-of-text (or up to the step its stop string settled in). */
    int tokens(int b) {
        return tokens[b];
    }

    /** The rest of row {@code b}'s final text (already cut at stop strings). */
    String finish(int b, String finalText) {
        close(b);
        return delta(b, finalText);
    }

    private String delta(int b, String text) {
        if (text.length() <= sent[b].length() || !text.startsWith(sent[b])) {
            return "";
        }
        String d = text.substring(sent[b].length());
        sent[b] = text;
        return d;
    }

    String sent(int b) {
        return sent[b];
    }
}
