package dev.cura.core.util;

import java.io.IOException;

/**
 * The input is malformed (a hostile or truncated safetensors file, a directory that is not a
 * checkpoint, an inconsistent quant state). A user error: the message says what was expected and
 * what came, and names the file or key.
 */
public class FormatException extends IOException {
  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
