package dev.cura.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The root cause of "bf16 casts abort the JVM" in DJL 0.36, and the route around it.
 *
 * <p>DJL's JNI maps its {@code DataType} ordinal to a libtorch ScalarType in {@code
 * GetScalarTypeFromDType} (djl_pytorch_utils.h): cases 0–8 (float32 … complex64), default {@code
 * throw;}. {@code BFLOAT16} is ordinal 11, and a bare rethrow with no exception in flight is {@code
 * std::terminate}. The reproducer runs in a child JVM (it kills its process) and must die that way;
 * if a DJL upgrade fixes the mapping, this test fails and the workaround can be revisited.
 */
class DjlBf16AbortTest {
  /** The minimal reproducer: one float32 array, one {@code toType(BFLOAT16)}. */
  public static final class Repro {
    public static void main(String[] args) {
      try (NDManager m = NDManager.newBaseManager()) {
        NDArray x = m.ones(new Shape(4));
        System.out.println("before cast, BFLOAT16 ordinal " + DataType.BFLOAT16.ordinal());
        System.out.flush();
        x.toType(DataType.BFLOAT16, false);
        System.out.println("after cast");
      }
    }
  }

  @Test
  void djlToTypeBf16TerminatesTheProcess() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String p : List.of("ai.djl.offline", "DJL_CACHE_DIR", "ENGINE_CACHE_DIR")) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Repro.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "reproducer did not finish");
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("before cast, BFLOAT16 ordinal 11"), text);
    assertTrue(text.contains("terminate called without an active exception"), text);
    assertTrue(!text.contains("after cast"), text);
    assertNotEquals(0, p.exitValue(), text);
  }

  @Test
  void scriptedCastMakesBf16AndIsRecorded() {
    boolean was = Nd.gradMode(true);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = Nd.floats(m, new float[] {1.1f, -2.2f, 3.3f}, new Shape(3));
      x.setRequiresGradient(true);
      NDArray y = Nd.cast(m, x, DataType.BFLOAT16);
      // DJL reports bfloat16 as UNKNOWN (the reverse mapping), the engine reads it as bf16
      assertEquals(DataType.UNKNOWN, y.getDataType());
      assertEquals(DataType.BFLOAT16, Nd.dtype(y));
      assertEquals("ToCopyBackward0", JniUtils.getGradientFunctionNames((PtNDArray) y));
      NDArray back = Nd.cast(m, y.mul(y), DataType.FLOAT32);
      // 1.1, 2.2, 3.3 rounded to bf16, then squared and rounded again
      float[] sq = back.toFloatArray();
      assertEquals(1.2109375f, sq[0]);
      assertEquals(4.84375f, sq[1]);
      assertEquals(10.875f, sq[2]);
      Nd.backward(back, m.ones(new Shape(3)));
      // d(y²)/dx = 2y, y = bf16(x), the gradient rounded to bf16 on the way back
      float[] g = x.getGradient().toFloatArray();
      assertEquals(2.203125f, g[0]);
      assertEquals(-4.40625f, g[1]);
      assertEquals(6.59375f, g[2]);
    } finally {
      Nd.gradMode(was);
    }
  }

  @Test
  void bf16BytesDecodeExactlyForEveryBitPattern() {
    try (NDManager m = NDManager.newBaseManager()) {
      byte[] bytes = new byte[2 * 65536];
      for (int b = 0; b < 65536; b++) {
        bytes[2 * b] = (byte) b;
        bytes[2 * b + 1] = (byte) (b >>> 8);
      }
      NDArray bf = TorchOps.get().bf16FromBytes(Nd.uint8(m, bytes));
      float[] got = Nd.cast(m, bf, DataType.FLOAT32).toFloatArray();
      for (int b = 0; b < 65536; b++) {
        float want = Float.intBitsToFloat(b << 16);
        if (Float.isNaN(want)) {
          assertTrue(Float.isNaN(got[b]), "pattern " + b);
        } else {
          assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[b]), "" + b);
        }
      }
    }
  }
}
