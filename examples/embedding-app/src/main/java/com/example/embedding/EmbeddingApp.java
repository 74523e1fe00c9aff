package com.example.embedding;

import dev.dream4j.Dream4j;
import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.GenerationResult;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.demo.DemoModel;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads a checkpoint (the first argument, or the bundled demo model), completes a prompt while counting the denoising
 * steps, and shows a typed error for a bad setting.
 */
public final class EmbeddingApp {
    private EmbeddingApp() {
    }

    public static void main(String[] args) {
        Path model = args.length > 0 ? Path.of(args[0]) : DemoModel.directory();
        try (DiffusionLM lm = Dream4j.load(model)) {
            GenerationRequest request = GenerationRequest.builder()
                    .prompt("def fibonacci(n):")
                    .maxNewTokens(32).steps(16).sampler("entropy").temperature(0).seed(7)
                    .build();
            AtomicInteger steps = new AtomicInteger();
            GenerationResult result = lm.generate(request, step -> {
                steps.incrementAndGet();
                return DenoisingListener.Decision.CONTINUE;
            });
            System.out.println("model: " + lm.info().family() + " on " + lm.info().backend() + " (" + lm.info().tokenizer() + ")");
            System.out.println("steps: " + steps.get() + ", tokens: " + result.first().generatedIds().size());
            System.out.println("text: " + result.text().replace("\n", "\\n"));
            try {
                GenerationRequest.builder().prompt("x").steps(0).build();
            } catch (InvalidRequestException e) {
                System.out.println("typed error: " + e.parameter() + ": " + e.getMessage());
            }
        }
    }
}
