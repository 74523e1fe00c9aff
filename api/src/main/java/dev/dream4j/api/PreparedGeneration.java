package dev.dream4j.api;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A request checked and resolved by the model that will run it: prompt ids, every default filled in, the seed
 * drawn. {@link DiffusionLM#prepare} makes one; {@link DiffusionLM#generate(PreparedGeneration, DenoisingListener)}
 * runs it without tokenizing or validating again, so a caller (a server) can reject bad input before it answers and
 * report the settings that ran. Only the model that prepared it accepts it.
 */
public interface PreparedGeneration {

    /** The request as it runs: the seed is always present. */
    GenerationRequest request();

    /** The ids of each prompt, in request order (before left padding and before {@code n} copies). */
    List<List<Integer>> promptIds();

    /** P: the longest prompt; shorter ones are left-padded to it. */
    int promptLength();

    /** Tokens generated per sequence (the canvas length minus P). */
    int newTokens();

    /** Canvas rows: prompts × {@code numReturnSequences}. */
    int rows();

    /**
     * The canvas the loop starts from, one list per row: each prompt left-padded with the pad id to
     * {@link #promptLength()}, then {@link #newTokens()} mask ids — what a viewer shows before the first step.
     */
    List<List<Integer>> initialCanvas();

    /** Denoising steps the loop runs at most. */
    int steps();

    /** The sampler plug-in that runs. */
    String sampler();

    /** The seed of the request's random stream. */
    long seed();

    /** The block length when the request runs block decoding (block length, cache, a block sampler). */
    OptionalInt blockLength();

    /**
     * The plug-in options as they run: each declared by the selected sampler or an active logits processor, typed,
     * with the declared defaults filled in.
     */
    Map<String, Object> options();
}
