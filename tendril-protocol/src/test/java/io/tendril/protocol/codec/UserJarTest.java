package io.tendril.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tendril.graph.Fn;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Functions and values whose classes live in a user's jar, built here and loaded by its own class
 * loader, as in a worker's library process: resolved and decoded through that loader, and reported
 * as missing by a loader that lacks the jar.
 */
class UserJarTest {
  private static final String SOURCE = """
      package ext.tendril;

      import io.tendril.graph.Fn1;

      public final class JarOps {
        private JarOps() {}

        public record Box(String label, int size) {}

        static int triple(int x) {
          return 3 * x;
        }

        public static Fn1<Integer, Integer> tripleFn() {
          return JarOps::triple;
        }

        public static Fn1<Object, String> labelFn(Box box) {
          return x -> box.label() + x;
        }

        public static Box box(String label, int size) {
          return new Box(label, size);
        }
      }
      """;

  @TempDir
  static Path dir;
  private static URLClassLoader jarLoader;
  /** The same classes, but {@code Box} has a third component: a later version of the jar. */
  private static URLClassLoader laterJarLoader;

  @BeforeAll
  static void buildTheJars() throws IOException, URISyntaxException {
    jarLoader = loaderOf(buildJar("user", SOURCE));
    laterJarLoader = loaderOf(buildJar("user-later", SOURCE
        .replace("record Box(String label, int size)", "record Box(String label, int size, String note)")
        .replace("new Box(label, size)", "new Box(label, size, \"later\")")));
  }

  private static Path buildJar(String name, String source) throws IOException, URISyntaxException {
    Path src = dir.resolve(name + "/src/ext/tendril/JarOps.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, source);
    Path classes = dir.resolve(name + "/classes");
    Files.createDirectories(classes);
    String graphClasses = Path.of(Fn.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status = javac.run(null, null, null, "--release", "21", "-cp", graphClasses, "-d", classes.toString(), src.toString());
    assertThat(status).as("javac exit status").isZero();
    Path jar = dir.resolve(name + ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace(File.separatorChar, '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  private static URLClassLoader loaderOf(Path jar) throws IOException {
    return new URLClassLoader(new URL[] {jar.toUri().toURL()}, UserJarTest.class.getClassLoader());
  }

  @AfterAll
  static void closeTheLoaders() throws IOException {
    jarLoader.close();
    laterJarLoader.close();
  }

  private static Object call(String method, Class<?>[] types, Object... args) throws ReflectiveOperationException {
    return call(jarLoader, method, types, args);
  }

  private static Object call(ClassLoader loader, String method, Class<?>[] types, Object... args)
      throws ReflectiveOperationException {
    return loader.loadClass("ext.tendril.JarOps").getMethod(method, types).invoke(null, args);
  }

  @Test
  void aMethodOfTheJarResolvesOnTheJarsLoaderOnly() throws Exception {
    FunctionDescriptors fds = FunctionDescriptors.standard();
    FunctionDescriptor d = fds.describe((Fn) call("tripleFn", new Class<?>[0]));
    assertThat(d.name()).isEqualTo("ext.tendril.JarOps::triple");
    byte[] wire = FunctionDescriptors.encode(d);

    assertThat(fds.resolve(FunctionDescriptors.decode(wire), jarLoader).call(new Object[] {4})).isEqualTo(12);
    assertThatThrownBy(() -> fds.resolve(FunctionDescriptors.decode(wire), getClass().getClassLoader()))
        .isInstanceOf(FunctionNotFoundException.class)
        .hasMessageContaining("class ext.tendril.JarOps is not found on the application class loader")
        .hasMessageContaining("is the jar that holds ext.tendril.JarOps on the environment's classpath?");
    try (URLClassLoader other = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      assertThatThrownBy(() -> fds.cache(other).resolve(FunctionDescriptors.decode(wire)))
          .isInstanceOf(FunctionNotFoundException.class)
          .hasMessageContaining("URLClassLoader over [" + other.getURLs()[0] + "]");
    }
  }

  @Test
  void valuesOfTheJarsClassesDecodeThroughItsLoader() throws Exception {
    ValueCodec codec = ValueCodec.builder().allowPackage("ext.tendril").classLoader(jarLoader).build();
    Object box = call("box", new Class<?>[] {String.class, int.class}, "b", 3);
    Object back = codec.decode(codec.encode(List.of(box, box)));
    assertThat(back).isEqualTo(List.of(box, box));
    assertThat(((List<?>) back).get(0).getClass().getClassLoader()).isSameAs(jarLoader);
  }

  @Test
  void aRecordDecodesIntoAnotherVersionOfItsClassByFieldName() throws Exception {
    ValueCodec earlier = ValueCodec.builder().allowPackage("ext.tendril").classLoader(jarLoader).build();
    ValueCodec later = earlier.withClassLoader(laterJarLoader);
    Class<?>[] types = {String.class, int.class};
    Object old = call(jarLoader, "box", types, "b", 3);
    Object upgraded = later.decode(earlier.encode(old));
    assertThat(upgraded.getClass().getClassLoader()).isSameAs(laterJarLoader);
    assertThat(upgraded.toString()).isEqualTo("Box[label=b, size=3, note=null]");
    Object downgraded = earlier.decode(later.encode(call(laterJarLoader, "box", types, "c", 4)));
    assertThat(downgraded).isEqualTo(call(jarLoader, "box", types, "c", 4));
  }

  @Test
  void aLambdaCapturingAValueOfTheJarResolvesWithItsValue() throws Exception {
    ValueCodec codec = ValueCodec.builder().allowPackage("ext.tendril").classLoader(jarLoader).build();
    Object box = call("box", new Class<?>[] {String.class, int.class}, "label-", 1);
    Class<?> boxClass = jarLoader.loadClass("ext.tendril.JarOps$Box");
    Fn fn = (Fn) call("labelFn", new Class<?>[] {boxClass}, box);
    FunctionDescriptors fds = FunctionDescriptors.using(codec);
    FunctionDescriptor d = FunctionDescriptors.decode(FunctionDescriptors.encode(fds.describe(fn)));
    assertThat(d.hasCapturedArgs()).isTrue();
    assertThat(fds.cache(jarLoader).resolve(d).call(new Object[] {"x"})).isEqualTo("label-x");
    assertThatThrownBy(() -> FunctionDescriptors.standard().describe(fn))
        .isInstanceOf(UnnameableFunctionException.class)
        .hasMessageContaining("class ext.tendril.JarOps$Box is not allowed by the value codec");
  }
}
