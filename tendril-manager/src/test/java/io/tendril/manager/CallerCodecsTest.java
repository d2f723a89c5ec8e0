package io.tendril.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.protocol.codec.ValueCodec;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Graph runs share a codec per class loader and set of allowed packages, a bounded number of them. */
class CallerCodecsTest {
  /** A class of a package that only a codec allowing it may carry. */
  record Point(int x, int y) {}

  private final ClassLoader loader = CallerCodecsTest.class.getClassLoader();

  @Test
  void theSameLoaderAndPackagesInAnyOrderShareOneCodec() {
    CallerCodecs codecs = new CallerCodecs();
    ValueCodec a = codecs.of(loader, new LinkedHashSet<>(List.of("io.tendril.manager", "com.example.b")));
    ValueCodec b = codecs.of(loader, new LinkedHashSet<>(List.of("com.example.b", "io.tendril.manager")));
    assertThat(b).isSameAs(a);
    assertThat(a.allows(Point.class)).isTrue();
    assertThat(a.classLoader()).isSameAs(loader);
  }

  @Test
  void otherPackagesOrAnotherLoaderGetTheirOwn() {
    CallerCodecs codecs = new CallerCodecs();
    ValueCodec none = codecs.of(loader, Set.of());
    ValueCodec some = codecs.of(loader, Set.of("io.tendril.manager"));
    ValueCodec other = codecs.of(new URLClassLoader(new URL[0], loader), Set.of());
    assertThat(some).isNotSameAs(none);
    assertThat(other).isNotSameAs(none);
    assertThat(none.allows(Point.class)).isFalse();
    assertThat(some.allows(Point.class)).isTrue();
    assertThat(other.classLoader()).isNotSameAs(loader);
    assertThat(codecs.of(loader, Set.of())).isSameAs(none);
  }

  @Test
  void keepsOnlyTheMostRecentlyUsed() {
    CallerCodecs codecs = new CallerCodecs();
    ValueCodec first = codecs.of(loader, Set.of("p0"));
    for (int i = 1; i <= CallerCodecs.MAX_CODECS; i++) {
      codecs.of(loader, Set.of("p" + i));
    }
    assertThat(codecs.of(loader, Set.of("p" + CallerCodecs.MAX_CODECS))).as("recent: kept")
        .isSameAs(codecs.of(loader, Set.of("p" + CallerCodecs.MAX_CODECS)));
    assertThat(codecs.of(loader, Set.of("p0"))).as("the eldest was dropped and is built again").isNotSameAs(first);
  }

  @Test
  void aBadPackageNameIsRefusedWithItsName() {
    CallerCodecs codecs = new CallerCodecs();
    assertThatThrownBy(() -> codecs.of(loader, Set.of("not a package")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a package");
  }
}
