package dev.cura.rest.api;

/**
 * The one rule for text that reaches CURA (ids, names, query values, JSON strings): no control
 * characters (C0, DEL, C1 — NUL among them: PostgreSQL cannot store it) and no unpaired UTF-16
 * surrogates (a lone {@code \ud800} escape is not a character and cannot be encoded as UTF-8).
 */
public final class Text {
  private Text() {}

  /** The first offending position, or -1 when {@code s} is clean. */
  public static int firstBad(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        return i;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return i;
      }
      if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** What is wrong with {@code s} ("control character U+0000 at position 3"), or null. */
  public static String defect(CharSequence s) {
    int i = firstBad(s);
    if (i < 0) {
      return null;
    }
    char c = s.charAt(i);
    return (Character.isSurrogate(c)
            ? "an unpaired UTF-16 surrogate"
            : String.format("control character U+%04X", (int) c))
        + " at position "
        + i;
  }

  /**
   * Why {@code s} is refused, or null when it is clean.
   *
   * @param what what the text is, for the message ("the path", "query parameter 'after'")
   */
  public static String problem(CharSequence s, String what) {
    String defect = defect(s);
    return defect == null
        ? null
        : what + " contains " + defect + "; control characters are not allowed";
  }

  /**
   * Checks {@code s}.
   *
   * @throws ApiException 400 naming {@code param} when it is not clean
   */
  public static String requireClean(String s, String param, String what) {
    String problem = s == null ? null : problem(s, what);
    if (problem != null) {
      throw ApiException.invalid(param, problem);
    }
    return s;
  }
}
