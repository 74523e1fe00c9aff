package dev.dream4j.backend.onnx;

import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.CheckpointFixtures;
import dev.dream4j.conformance.ReferenceDecoder;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.DType;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The onnx backend against an independent double-precision reference, on an fp32 synthetic checkpoint. */
class OnnxBackendTest {
    static final double TOLERANCE = 1e-4;

    private static CheckpointFixtures.Opened fixture;
    private static Backend backend;
    private static ReferenceDecoder reference;

    @BeforeAll
    static void open() {
        fixture = CheckpointFixtures.open(SyntheticCheckpoint.builder().dtype(DType.F32).seed(7).build());
        backend = new OnnxBackendProvider().open(fixture.model(), fixture.checkpoint(), BackendOptions.defaults().withThreads(2));
        reference = new ReferenceDecoder(fixture.model(), fixture.checkpoint());
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private static int vocab() {
        return fixture.model().spec().vocabSize();
    }

    private static double check(ForwardBatch fb) {
        Logits out = backend.forward(fb);
        assertEquals(fb.rowCount(), out.rows());
        assertEquals(vocab(), out.vocab());
        for (float f : out.data()) {
            assertTrue(Float.isFinite(f), "non-finite logit");
        }
        double[][] ref = reference.forward(fb);
        double err = Batches.maxRelError(fb, out.data(), vocab(), (r, v) -> ref[r][v]);
        System.out.printf("onnx vs double reference: max relative error %.3e (%d rows)%n", err, fb.rowCount());
        assertTrue(err <= TOLERANCE, "max relative error " + err);
        return err;
    }

    @Test
    void singleSequenceMatchesReference() {
        check(Batches.leftPadded(vocab(), 12, 3, 0));
    }

    @Test
    void leftPaddedBatchMatchesReferenceAndHiddenRowsStayFinite() {
        check(Batches.leftPadded(vocab(), 10, 5, 4, 0, 9));
    }

    @Test
    void selectedRowsComeBackInRequestOrder() {
        ForwardBatch all = Batches.leftPadded(vocab(), 8, 11, 0, 2);
        int[] rows = {13, 2, 7, 9};
        int[] tokens = new int[16];
        int[] pos = new int[16];
        boolean[] vis = new boolean[16];
        for (int i = 0; i < 16; i++) {
            tokens[i] = all.token(i / 8, i % 8);
            pos[i] = all.position(i / 8, i % 8);
            vis[i] = all.isVisible(i / 8, i % 8);
        }
        Logits full = backend.forward(all);
        Logits some = backend.forward(ForwardBatch.of(2, 8, tokens, pos, vis, rows));
        assertEquals(rows.length, some.rows());
        for (int r = 0; r < rows.length; r++) {
            for (int v = 0; v < vocab(); v++) {
                assertEquals(full.get(rows[r], v), some.get(r, v), 1e-5f);
            }
        }
    }

    @Test
    void tokenOutsideVocabularyIsATypedError() {
        int[] tokens = {1, 2, vocab()};
        var e = assertThrows(InvalidRequestException.class, () -> backend.forward(ForwardBatch.single(tokens, new int[]{0})));
        assertEquals("input_ids", e.parameter());
        int[] negative = {1, -3};
        assertThrows(InvalidRequestException.class, () -> backend.forward(ForwardBatch.single(negative, new int[]{0})));
    }

    @Test
    void positionBeyondTheTableIsATypedError() {
        int max = fixture.model().spec().maxPositionEmbeddings();
        var e = assertThrows(InvalidRequestException.class,
                () -> backend.forward(ForwardBatch.of(1, 1, new int[]{1}, new int[]{max}, null, new int[]{0})));
        assertEquals("position_ids", e.parameter());
    }

    @Test
    void noRowsGivesEmptyLogits() {
        Logits out = backend.forward(ForwardBatch.single(new int[]{1, 2, 3}, new int[0]));
        assertEquals(0, out.rows());
    }

    @Test
    void tiedEmbeddingsShareOneInitializerAndMatchTheReference() {
        try (var fx = CheckpointFixtures.open(SyntheticCheckpoint.builder().tiedEmbeddings(true).dtype(DType.F32).seed(2).build());
             Backend b = new OnnxBackendProvider().open(fx.model(), fx.checkpoint(), BackendOptions.defaults().withThreads(2))) {
            int vocab = fx.model().spec().vocabSize();
            ForwardBatch fb = Batches.leftPadded(vocab, 7, 8, 2, 0);
            double[][] ref = new ReferenceDecoder(fx.model(), fx.checkpoint()).forward(fb);
            double err = Batches.maxRelError(fb, b.forward(fb).data(), vocab, (r, v) -> ref[r][v]);
            assertTrue(err <= TOLERANCE, "tied embeddings: max relative error " + err);
        }
    }

    @Test
    void exportFromADirectoryWithInt4() throws Exception {
        try (var fx = CheckpointFixtures.open(SyntheticCheckpoint.builder().seed(5).build())) {
            java.nio.file.Path out = java.nio.file.Files.createTempDirectory("dream4j-onnx-export-");
            try {
                java.nio.file.Path model = OnnxExporter.export(fx.directory(), out, 32);
                ForwardBatch fb = Batches.leftPadded(vocab(), 5, 2, 0);
                float[] logits = Int4Test.bareRun(model, fx.model().spec(), fb);
                assertEquals(5 * fx.model().spec().vocabSize(), logits.length);
                for (float f : logits) {
                    assertTrue(Float.isFinite(f));
                }
            } finally {
                try (var files = java.nio.file.Files.walk(out)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
