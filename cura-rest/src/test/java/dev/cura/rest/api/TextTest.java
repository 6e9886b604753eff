package dev.cura.rest.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextTest {
  @Test
  void controlCharactersAndUnpairedSurrogatesAreFound() {
    assertEquals(-1, Text.firstBad("plain text, é, 😀, tab-free"));
    assertEquals(1, Text.firstBad("a\u0000"));
    assertEquals(0, Text.firstBad("\u007f"));
    assertEquals(2, Text.firstBad("ab\u009f"));
    assertEquals(1, Text.firstBad("a\ud800b"));
    assertEquals(0, Text.firstBad("\udc00"));
    assertEquals("control character U+000A at position 3", Text.defect("abc\n"));
    assertNull(Text.defect("\ud83d\ude00"));
  }

  @Test
  void percentDecodingIsStrict() {
    assertEquals("/v1/a b/+", RequestGuard.percentDecode("/v1/a%20b/+"));
    assertEquals("/é", RequestGuard.percentDecode("/%C3%A9"));
    assertThrows(IllegalArgumentException.class, () -> RequestGuard.percentDecode("/%ZZ"));
    assertThrows(IllegalArgumentException.class, () -> RequestGuard.percentDecode("/%4"));
    assertThrows(IllegalArgumentException.class, () -> RequestGuard.percentDecode("/%FF"));
    assertThrows(IllegalArgumentException.class, () -> RequestGuard.percentDecode("/%ED%A0%80"));
  }

  @Test
  void errorTypesFollowOpenAi() {
    assertEquals("authentication_error", ErrorBody.typeOf(401));
    assertEquals("permission_error", ErrorBody.typeOf(403));
    assertEquals("rate_limit_error", ErrorBody.typeOf(429));
    assertEquals("invalid_request_error", ErrorBody.typeOf(404));
    assertEquals("server_error", ErrorBody.typeOf(503));
    var e = ApiException.conflict("job_finished", "done").shouldRetry(false);
    assertEquals("false", e.headers().get("x-should-retry"));
    assertEquals("invalid_request_error", e.body().error().type());
  }
}
