package io.tendril.graph.json;

import io.tendril.graph.FnN;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the {@code "call"} names of a graph file into task functions: a built-in name ({@link
 * Builtins}, e.g. {@code "inc"}) or {@code "com.example.Cls::method"}, a public static method found
 * by reflection on this resolver's class loader. {@link GraphJson} asks it for every task while
 * reading a file, so an unknown name is reported at load time, before anything runs; the {@code
 * tendril} command makes one over the jars given with {@code --classpath}.
 *
 * <p>A method name stands for all public static overloads of that name; which one runs is chosen
 * per call by the number and types of the arguments (see docs/graph-format.md), and the function's
 * {@link FnN#functionName()} is the name as written. Names resolve once and are cached, so every
 * task naming the same function shares one function object. Instances are safe to share between
 * threads.
 */
public final class FunctionResolver {
  private final ClassLoader loader;
  private final ConcurrentHashMap<String, FnN<Object>> cache = new ConcurrentHashMap<>();

  /**
   * Creates a resolver that finds classes on a class loader.
   *
   * @param loader where {@code Class::method} names are looked up, e.g. a {@link
   *     java.net.URLClassLoader} over the user's jars
   * @throws IllegalArgumentException if the loader is null
   */
  public FunctionResolver(ClassLoader loader) {
    if (loader == null) {
      throw new IllegalArgumentException(
          "the class loader is null: pass one, e.g. FunctionResolver.withContextClassLoader()");
    }
    this.loader = loader;
  }

  /**
   * A resolver over the current thread's context class loader (or this library's own loader when
   * the thread has none).
   *
   * @return a new resolver
   */
  public static FunctionResolver withContextClassLoader() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return new FunctionResolver(cl != null ? cl : FunctionResolver.class.getClassLoader());
  }

  /**
   * The class loader {@code Class::method} names are looked up on.
   *
   * @return the loader given at construction
   */
  public ClassLoader classLoader() {
    return loader;
  }

  /**
   * The function of a name.
   *
   * @param name a built-in name such as {@code "inc"}, or {@code "com.example.Cls::method"}
   * @return the function; its {@link FnN#functionName()} is {@code name}
   * @throws IllegalArgumentException if the name is neither a built-in nor a public static method
   *     on the class loader; the message says which part is missing, e.g. {@code no function
   *     'foo': not a built-in (inc, dec, ...) and not Class::method; add its jar with --classpath}
   */
  public FnN<Object> resolve(String name) {
    if (name == null) {
      throw new IllegalArgumentException("no function: the name is null");
    }
    FnN<Object> fn = cache.get(name);
    if (fn == null) {
      fn = cache.computeIfAbsent(name, this::lookUp);
    }
    return fn;
  }

  private FnN<Object> lookUp(String name) {
    var builtin = Builtins.find(name);
    if (builtin.isPresent()) {
      return builtin.get();
    }
    int sep = name.indexOf("::");
    if (sep < 0) {
      throw new IllegalArgumentException(
          "no function '" + name + "': not a built-in (" + String.join(", ", Builtins.names())
              + ") and not Class::method; add its jar with --classpath" + bareNameHint(name));
    }
    String className = name.substring(0, sep);
    String methodName = name.substring(sep + 2);
    if (className.isEmpty() || methodName.isEmpty() || methodName.contains("::")) {
      throw new IllegalArgumentException(
          "no function '" + name + "': write a Java method as Class::method with the class's"
              + " full name, e.g. com.example.Ops::inc");
    }
    Class<?> cls = load(name, className);
    List<Method> found = new ArrayList<>();
    try {
      for (Method m : cls.getMethods()) {
        if (m.getName().equals(methodName) && Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()) {
          found.add(m);
        }
      }
    } catch (LinkageError e) {
      throw new IllegalArgumentException(
          "no function '" + name + "': the methods of " + className + " cannot be loaded (" + e
              + "); add the jars they need with --classpath", e);
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException("no function '" + name + "': " + whyNoMethod(cls, methodName));
    }
    for (Method m : found) {
      if (!m.canAccess(null)) {
        throw new IllegalArgumentException(
            "no function '" + name + "': " + className
                + " is not accessible (the class must be public, and its package exported if it is"
                + " in a named module)");
      }
    }
    found.sort(Comparator.comparingInt(Method::getParameterCount).thenComparing(ReflectiveFn::signature));
    return new ReflectiveFn(name, found.toArray(new Method[0]));
  }

  private Class<?> load(String name, String className) {
    try {
      return Class.forName(className, false, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "no function '" + name + "': class " + className
              + " is not on the classpath; add its jar with --classpath", e);
    } catch (LinkageError e) {
      throw new IllegalArgumentException(
          "no function '" + name + "': class " + className + " cannot be loaded (" + e
              + "); add the jars it needs with --classpath", e);
    }
  }

  private static String whyNoMethod(Class<?> cls, String methodName) {
    boolean instance = false;
    boolean hidden = false;
    try {
      for (Method m : cls.getDeclaredMethods()) {
        if (m.getName().equals(methodName)) {
          if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) {
            instance = true;
          } else {
            hidden = true;
          }
        }
      }
    } catch (LinkageError | SecurityException e) {
      // fall through to the general message
    }
    if (instance) {
      return methodName + " of " + cls.getName()
          + " is an instance method; only public static methods can be called";
    }
    if (hidden) {
      return methodName + " of " + cls.getName()
          + " is not public; only public static methods can be called";
    }
    TreeSet<String> statics = new TreeSet<>();
    for (Method m : cls.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) {
        statics.add(m.getName());
      }
    }
    String list = statics.isEmpty() ? "none" : String.join(", ", statics);
    return "class " + cls.getName() + " has no public static method " + methodName
        + " (its public static methods: " + list + ")";
  }

  /** A hint for a bare name that is not a built-in: a case mix-up, or a dot written for "::". */
  private String bareNameHint(String name) {
    for (String b : Builtins.names()) {
      if (b.equalsIgnoreCase(name)) {
        return " (did you mean '" + b + "'?)";
      }
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0 && dot < name.length() - 1) {
      String candidate = name.substring(0, dot) + "::" + name.substring(dot + 1);
      try {
        Class.forName(name.substring(0, dot), false, loader);
        return " (to call a static method of a Java class, write '" + candidate + "')";
      } catch (ClassNotFoundException | LinkageError e) {
        return " (a Java method is written as Class::method, e.g. '" + candidate + "')";
      }
    }
    return "";
  }
}
