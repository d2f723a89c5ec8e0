package io.tendril.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProtocolNamesTest {
  private static final Pattern CACHE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  @Test
  void cacheNamesAreLettersDigitsDotsUnderscoresAndDashesStartingWithALetterOrDigit() {
    assertThat(Protocol.isValidCacheName("temp-0123abcdef")).isTrue();
    assertThat(Protocol.isValidCacheName("a")).isTrue();
    assertThat(Protocol.isValidCacheName("a".repeat(200))).isTrue();
    assertThat(Protocol.isValidCacheName("a".repeat(201))).isFalse();
    for (String bad : List.of("", "-a", ".a", "_a", "a/b", "a b", "a\0", "é", "a..b/")) {
      assertThat(Protocol.isValidCacheName(bad)).as(bad).isFalse();
    }
    assertThat(Protocol.isValidCacheName(null)).isFalse();
    // Exactly the pattern, on random strings over an alphabet with the edge characters.
    String alphabet = "aZ09._-/ \\é";
    Random r = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int len = r.nextInt(5) == 0 ? 195 + r.nextInt(10) : r.nextInt(8);
      for (int j = 0; j < len; j++) {
        b.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String s = b.toString();
      assertThat(Protocol.isValidCacheName(s)).as(s).isEqualTo(CACHE_NAME.matcher(s).matches());
    }
  }

  @Test
  void sandboxNamesStayInsideTheSandbox() {
    for (String good : List.of("result", "result/0", "in/3", "a/b/c", "..a", "a..", ".x", "x.")) {
      assertThat(Protocol.isSafeSandboxName(good)).as(good).isTrue();
    }
    for (String bad : List.of("", "/a", "a/", "a//b", "..", "../a", "a/..", "a/../b", ".", "./a", "a/.", "a\\b",
        "a\0b")) {
      assertThat(Protocol.isSafeSandboxName(bad)).as(bad).isFalse();
    }
    assertThat(Protocol.isSafeSandboxName(null)).isFalse();
  }
}
