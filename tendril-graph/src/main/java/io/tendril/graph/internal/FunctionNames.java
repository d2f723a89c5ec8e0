package io.tendril.graph.internal;

import io.tendril.graph.Fn;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names task functions: {@code "com.example.Ops::inc"} for a method reference, found through the
 * {@link SerializedLambda} every serializable lambda can produce; the class name for a class that
 * implements a function interface. Names are cached per class, since a lambda class stands for one
 * implementation method. Called by {@link Fn#functionName()}.
 */
public final class FunctionNames {
  private static final ConcurrentHashMap<Class<?>, String> NAMES = new ConcurrentHashMap<>();

  private FunctionNames() {}

  /**
   * The name of a function.
   *
   * @param fn the function
   * @return its name
   */
  public static String of(Fn fn) {
    return NAMES.computeIfAbsent(fn.getClass(), c -> compute(fn));
  }

  /**
   * The serialized form of a lambda or method reference, or null when the function is an
   * ordinary class.
   *
   * @param fn the function
   * @return the serialized lambda, or null
   */
  public static SerializedLambda serializedLambda(Fn fn) {
    Class<?> c = fn.getClass();
    if (!c.isSynthetic() && !c.isHidden()) {
      return null;
    }
    try {
      Method m = c.getDeclaredMethod("writeReplace");
      m.setAccessible(true);
      return m.invoke(fn) instanceof SerializedLambda s ? s : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static String compute(Fn fn) {
    SerializedLambda s = serializedLambda(fn);
    if (s == null) {
      return fn.getClass().getName();
    }
    return s.getImplClass().replace('/', '.') + "::" + s.getImplMethodName();
  }
}
