package io.tendril.protocol.codec;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.fory.resolver.TypeChecker;
import org.apache.fory.resolver.TypeResolver;

/**
 * Which classes a {@link ValueCodec} encodes and decodes, decided by binary class name: the
 * {@link StandardTypes}, the classes and packages the codec's builder allowed, and arrays of any of
 * these. Installed as Apache Fory's type checker, so Fory consults it with the name read from the
 * bytes <em>before</em> it loads a class: a name that is not allowed is never loaded, let alone
 * instantiated.
 *
 * <p>Because the decision depends only on the name, two codecs allowing the same names agree
 * whatever order their classes were first used in. Lambdas, hidden classes and {@code
 * SerializedLambda} are refused whatever was allowed: they would carry code, not data.
 *
 * <p>When it refuses a name, the checker remembers it for the current thread, so that the codec can
 * name the class in its {@link CodecException}; Fory's own message is not meant for our users.
 * Fory remembers an encoding-side refusal per class and refuses that class again without asking;
 * the class is then read from Fory's message ({@link #refusedIn}).
 */
final class AllowList implements TypeChecker {
  private static final ThreadLocal<String> REFUSED = new ThreadLocal<>();
  private static final Pattern REFUSAL =
      Pattern.compile("(?:class |interface |Class )?([^\\s]+) is (?:not registered|forbidden)");

  private final Set<String> classes;
  private final Set<String> packages;

  AllowList(Set<String> classes, Set<String> packages) {
    this.classes = Set.copyOf(classes);
    this.packages = Set.copyOf(packages);
  }

  /** The class names allowed beyond the standard set, for copying into a builder. */
  Set<String> classes() {
    return classes;
  }

  /** The packages allowed beyond the standard set, for copying into a builder. */
  Set<String> packages() {
    return packages;
  }

  @Override
  public boolean checkType(TypeResolver resolver, String className) {
    if (allows(className)) {
      return true;
    }
    REFUSED.set(elementName(className));
    return false;
  }

  /**
   * Whether a class name is allowed.
   *
   * @param className a binary class name ({@code com.x.Outer$Inner}) or a JVM array descriptor
   *     ({@code [Lcom.x.Foo;}, {@code [[I})
   */
  boolean allows(String className) {
    String name = elementName(className);
    if (name.length() == 1 && className.startsWith("[")) {
      return "ZBCSIJFD".indexOf(name.charAt(0)) >= 0;
    }
    if (name.isEmpty()
        || name.indexOf('/') >= 0
        || name.contains("$$Lambda")
        || name.equals("java.lang.invoke.SerializedLambda")) {
      return false;
    }
    if (StandardTypes.CLASSES.contains(name) || classes.contains(name)) {
      return true;
    }
    int dot = name.lastIndexOf('.');
    String pkg = dot < 0 ? "" : name.substring(0, dot);
    return StandardTypes.PACKAGES.contains(pkg) || packages.contains(pkg);
  }

  /** Forgets the name refused last on this thread; called before each encode or decode. */
  static void clearRefused() {
    REFUSED.remove();
  }

  /** The name refused last on this thread since {@link #clearRefused()}, or null. */
  static String takeRefused() {
    String name = REFUSED.get();
    REFUSED.remove();
    return name;
  }

  /**
   * The class named in one of Fory's refusals ("class com.x.Foo is not registered, ..." when
   * encoding a class whose refusal Fory remembered, "Class com.x.Foo is forbidden ..." when
   * decoding), or null if the message is not one of these.
   */
  static String refusedIn(String message) {
    if (message == null) {
      return null;
    }
    Matcher m = REFUSAL.matcher(message);
    return m.lookingAt() ? elementName(m.group(1)) : null;
  }

  /**
   * The name of an array's element class ({@code com.x.Foo} for {@code [[Lcom.x.Foo;}, {@code I}
   * for {@code [I}), or the name itself for a class that is not an array.
   */
  static String elementName(String className) {
    int dims = 0;
    while (dims < className.length() && className.charAt(dims) == '[') {
      dims++;
    }
    if (dims == 0) {
      return className;
    }
    String element = className.substring(dims);
    if (element.length() > 2 && element.charAt(0) == 'L' && element.endsWith(";")) {
      return element.substring(1, element.length() - 1);
    }
    return element;
  }

  /** The message for a class that is not allowed: which class, and how to allow it. */
  static String notAllowedMessage(String className) {
    int dot = className.lastIndexOf('.');
    String pkg = dot < 0 ? "" : className.substring(0, dot);
    String source = className.replace('$', '.');
    return "class " + className + " is not allowed by the value codec; allow it with"
        + " ValueCodec.builder().allow(" + source + ".class)"
        + (pkg.isEmpty() ? "" : " or ValueCodec.builder().allowPackage(\"" + pkg + "\")")
        + " on both the sending and the receiving side";
  }
}
