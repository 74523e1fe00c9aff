package dev.dream4j.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoModelTest {

    @Test
    void unpacksIntoAnOwnerOnlyDirectoryAndRepairsTamperedFiles(@TempDir Path base) throws Exception {
        Path dir = DemoModel.directory(base);
        assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        String config = Files.readString(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"planted\"}");
        assertEquals(dir, DemoModel.directory(base));
        assertEquals(config, Files.readString(dir.resolve("config.json")), "a modified file is unpacked again");
    }

    @Test
    void refusesADirectoryPlantedAsASymlinkOrWritableByOthers(@TempDir Path base, @TempDir Path planted) throws Exception {
        Files.createDirectories(base.resolve("dream4j"));
        Files.createSymbolicLink(base.resolve("dream4j").resolve("tiny-dream-code-1"), planted);
        assertThrows(UncheckedIOException.class, () -> DemoModel.directory(base));
        assertFalse(Files.exists(planted.resolve("config.json")), "nothing is written through the link");

        Files.delete(base.resolve("dream4j").resolve("tiny-dream-code-1"));
        Path shared = Files.createDirectory(base.resolve("dream4j").resolve("tiny-dream-code-1"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThrows(UncheckedIOException.class, () -> DemoModel.directory(base));
    }
}
