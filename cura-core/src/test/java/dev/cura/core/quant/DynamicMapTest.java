package dev.cura.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cura.core.util.PyFloat;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class DynamicMapTest {
  @Test
  void tablesMatchTheBitsProducedByBitsandbytes() throws Exception {
    for (String kind : new String[] {"signed", "unsigned"}) {
      List<String> bits =
          Files.readAllLines(GoldenBnbTest.golden().resolve("dynamic_map_" + kind + ".bits"));
      float[] map = kind.equals("signed") ? DynamicMap.signed() : DynamicMap.unsigned();
      assertEquals(256, bits.size());
      for (int i = 0; i < 256; i++) {
        assertEquals(
            Integer.parseUnsignedInt(bits.get(i).trim(), 16), Float.floatToRawIntBits(map[i]));
      }
    }
  }

  @Test
  void signedMapProperties() {
    // QLORA-SPEC §3.1: one zero at index 127, range [-0.99296875, 1.0], sorted and distinct
    float[] m = DynamicMap.signed();
    assertEquals(0f, m[127]);
    assertEquals(-0.99296875f, m[0]);
    assertEquals(1.0f, m[255]);
    for (int i = 1; i < 256; i++) {
      assertTrue(m[i - 1] < m[i]);
    }
    float[] u = DynamicMap.unsigned();
    assertEquals(0f, u[0]);
    assertEquals(1.0f, u[255]);
    assertEquals(3.25e-7f, u[1], 1e-12f);
  }

  @Test
  void pythonFloatRepr() throws Exception {
    // expected strings written by json.dumps(float(np.float32(v))) in bnb_reference.py
    for (String line : Files.readAllLines(GoldenBnbTest.golden().resolve("pyrepr.txt"))) {
      String[] p = line.split(" ");
      float f = Float.intBitsToFloat(Integer.parseUnsignedInt(p[0], 16));
      assertEquals(p[1], PyFloat.repr(f), line);
    }
    assertEquals("0.0", PyFloat.repr(0.0));
    assertEquals("-0.0", PyFloat.repr(-0.0));
    assertEquals("1e-05", PyFloat.repr(1e-5));
    assertEquals("1e+16", PyFloat.repr(1e16));
    assertEquals("1234.5", PyFloat.repr(1234.5));
  }
}
