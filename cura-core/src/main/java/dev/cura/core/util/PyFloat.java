package dev.cura.core.util;

import java.math.BigDecimal;

/**
 * Python's {@code repr(float)} (as {@code json.dumps} writes floats): the shortest digits that
 * round-trip the double (same digits as Java's {@link Double#toString}, which since JDK 19 is also
 * shortest-closest), laid out Python's way — fixed notation for 1e-4 ≤ |x| < 1e16, otherwise {@code
 * d.ddde±XX} with at least two exponent digits; always a {@code .0} on integers.
 */
public final class PyFloat {
  private PyFloat() {}

  public static String repr(double x) {
    if (Double.isNaN(x)) {
      return "NaN";
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? "Infinity" : "-Infinity";
    }
    if (x == 0) {
      return (Double.doubleToRawLongBits(x) < 0) ? "-0.0" : "0.0";
    }
    String sign = x < 0 ? "-" : "";
    BigDecimal bd = new BigDecimal(Double.toString(Math.abs(x))).stripTrailingZeros();
    String digits = bd.unscaledValue().toString();
    // value = 0.digits * 10^decpt
    int decpt = digits.length() - bd.scale();
    StringBuilder sb = new StringBuilder(sign);
    if (decpt > -4 && decpt <= 16) {
      if (decpt <= 0) {
        sb.append("0.").append("0".repeat(-decpt)).append(digits);
      } else if (decpt < digits.length()) {
        sb.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
      } else {
        sb.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
      }
    } else {
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      int e = decpt - 1;
      sb.append('e').append(e < 0 ? '-' : '+');
      int a = Math.abs(e);
      if (a < 10) {
        sb.append('0');
      }
      sb.append(a);
    }
    return sb.toString();
  }
}
