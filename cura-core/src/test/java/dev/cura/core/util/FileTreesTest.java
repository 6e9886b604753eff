package dev.cura.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
  @TempDir Path tmp;

  private Path tree() throws Exception {
    Path root = tmp.resolve("tree");
    Files.createDirectories(root.resolve("a/b"));
    Files.writeString(root.resolve("top.txt"), "top");
    Files.writeString(root.resolve("a/b/deep.txt"), "deep");
    Files.writeString(root.resolve("skip.me"), "x");
    return root;
  }

  @Test
  void deleteRemovesTheWholeTreeAndToleratesAbsence() throws Exception {
    Path root = tree();
    FileTrees.delete(root);
    assertFalse(Files.exists(root));
    FileTrees.delete(root); // absent: nothing to do
    assertTrue(FileTrees.deleteQuietly(root));
    Path file = Files.writeString(tmp.resolve("one.txt"), "1");
    FileTrees.delete(file);
    assertFalse(Files.exists(file));
  }

  @Test
  void copyKeepsTheLayoutAndLeavesOutSkippedEntries() throws Exception {
    Path root = tree();
    Path to = tmp.resolve("copy");
    FileTrees.copy(root, to, rel -> rel.toString().equals("skip.me"));
    assertEquals("top", Files.readString(to.resolve("top.txt")));
    assertEquals("deep", Files.readString(to.resolve("a/b/deep.txt")));
    assertFalse(Files.exists(to.resolve("skip.me")));
  }
}
