package dev.cura.engine.data;

import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** Python's {@code datetime.strftime} for the C locale's common directives. */
final class Strftime {
  private Strftime() {}

  static String format(LocalDateTime t, String pattern) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char ch = pattern.charAt(i);
      if (ch != '%' || i + 1 == pattern.length()) {
        out.append(ch);
        continue;
      }
      char d = pattern.charAt(++i);
      out.append(
          switch (d) {
            case 'd' -> two(t.getDayOfMonth());
            case 'e' -> String.format("%2d", t.getDayOfMonth());
            case 'm' -> two(t.getMonthValue());
            case 'y' -> two(t.getYear() % 100);
            case 'Y' -> Integer.toString(t.getYear());
            case 'H' -> two(t.getHour());
            case 'I' -> two((t.getHour() + 11) % 12 + 1);
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'M' -> two(t.getMinute());
            case 'S' -> two(t.getSecond());
            case 'j' -> String.format("%03d", t.getDayOfYear());
            case 'b' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case '%' -> "%";
            default ->
                throw new IllegalArgumentException(
                    "strftime_now: unsupported directive %" + d + " in '" + pattern + "'");
          });
    }
    return out.toString();
  }

  private static String two(int v) {
    return String.format("%02d", v);
  }
}
