package io.tendril.protocol.codec;

import io.tendril.graph.Fn;
import io.tendril.graph.Fn0;
import io.tendril.graph.Fn1;
import io.tendril.graph.Fn2;
import io.tendril.graph.Fn3;
import io.tendril.graph.Fn4;
import io.tendril.graph.FnN;
import io.tendril.graph.json.Builtins;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns a task function into a {@link FunctionDescriptor}, or explains why it cannot be named.
 * Called by {@link FunctionDescriptors#describe} on the submitting side; its counterpart on the
 * executing side is {@link FunctionLinker}.
 *
 * <p>A method reference or lambda is read through its {@link SerializedLambda}, obtained by calling
 * the synthetic {@code writeReplace} method every serializable lambda has; no object stream is
 * involved. Its captured values are encoded with the value codec. A class implementing a function
 * interface is named by its class; a built-in or graph-file function by its registered name.
 */
final class FunctionDescriber {
  private static final String REGISTRY_PACKAGE = Builtins.class.getPackageName();
  private static final String FIX =
      "use a static method reference such as Ops::inc, or a lambda that captures only values the"
          + " value codec allows (numbers, strings, collections, records of allowed classes)";

  /** The {@code writeReplace} method of each lambda class, looked up once per class. */
  private static final ClassValue<Optional<Method>> WRITE_REPLACE =
      new ClassValue<>() {
        @Override
        protected Optional<Method> computeValue(Class<?> type) {
          try {
            Method m = type.getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            return Optional.of(m);
          } catch (NoSuchMethodException | RuntimeException e) {
            return Optional.empty();
          }
        }
      };

  /**
   * The descriptor of each class whose instances all have the same one: lambdas that capture
   * nothing, and function classes. Set on first description; a graph names one function in many
   * tasks, and this spares a reflective call per task.
   */
  private static final ClassValue<AtomicReference<FunctionDescriptor>> SAME_FOR_ALL =
      new ClassValue<>() {
        @Override
        protected AtomicReference<FunctionDescriptor> computeValue(Class<?> type) {
          return new AtomicReference<>();
        }
      };

  private FunctionDescriber() {}

  static FunctionDescriptor describe(Fn fn, ValueCodec codec) {
    if (fn == null) {
      throw new IllegalArgumentException("describe(null): give a task function, e.g. Ops::inc");
    }
    Class<?> c = fn.getClass();
    AtomicReference<FunctionDescriptor> known = SAME_FOR_ALL.get(c);
    FunctionDescriptor d = known.get();
    if (d != null) {
      return d;
    }
    int arity = arity(fn);
    if (c.isHidden() || c.isSynthetic()) {
      d = describeLambda(fn, serializedLambda(fn), arity, codec);
      if (!d.hasCapturedArgs()) {
        known.set(d);
      }
      return d;
    }
    if (c.getPackageName().equals(REGISTRY_PACKAGE) && fn instanceof FnN<?>) {
      return describeNamed(fn);
    }
    d = describeClass(c, arity);
    known.set(d);
    return d;
  }

  /** The arity by the same precedence {@link io.tendril.graph.Task#call} calls with. */
  static int arity(Fn fn) {
    return switch (fn) {
      case Fn1<?, ?> f -> 1;
      case Fn2<?, ?, ?> f -> 2;
      case FnN<?> f -> FunctionDescriptor.VARARGS;
      case Fn0<?> f -> 0;
      case Fn3<?, ?, ?, ?> f -> 3;
      case Fn4<?, ?, ?, ?, ?> f -> 4;
    };
  }

  private static SerializedLambda serializedLambda(Fn fn) {
    Optional<Method> writeReplace = WRITE_REPLACE.get(fn.getClass());
    if (writeReplace.isEmpty()) {
      throw unnameable(
          "the class " + fn.getClass().getName(),
          "it is a hidden or synthetic class without a reachable writeReplace method: not a"
              + " serializable lambda, or one whose package is not open to io.tendril.protocol",
          null);
    }
    try {
      if (writeReplace.get().invoke(fn) instanceof SerializedLambda s) {
        return s;
      }
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw unnameable(
          "the lambda class " + fn.getClass().getName(), "writeReplace failed: " + e, e);
    }
    throw unnameable(
        "the lambda class " + fn.getClass().getName(), "it does not describe itself as a lambda",
        null);
  }

  private static FunctionDescriptor describeLambda(
      Fn fn, SerializedLambda s, int arity, ValueCodec codec) {
    String implClass = s.getImplClass().replace('/', '.');
    String name = implClass + "::" + s.getImplMethodName();
    FunctionKind kind =
        switch (s.getImplMethodKind()) {
          case MethodHandleInfo.REF_invokeStatic -> FunctionKind.STATIC_METHOD;
          case MethodHandleInfo.REF_invokeVirtual -> FunctionKind.VIRTUAL_METHOD;
          case MethodHandleInfo.REF_invokeInterface -> FunctionKind.INTERFACE_METHOD;
          case MethodHandleInfo.REF_invokeSpecial -> FunctionKind.PRIVATE_METHOD;
          case MethodHandleInfo.REF_newInvokeSpecial -> FunctionKind.CONSTRUCTOR;
          default -> throw unnameable(
              name,
              "its implementation is a "
                  + MethodHandleInfo.referenceKindToString(s.getImplMethodKind()),
              null);
        };
    Object[] captured = new Object[s.getCapturedArgCount()];
    for (int i = 0; i < captured.length; i++) {
      captured[i] = s.getCapturedArg(i);
    }
    byte[] encoded = encodeCaptured(name, s, captured, codec);
    try {
      return new FunctionDescriptor(
          kind, implClass, s.getImplMethodName(), s.getImplMethodSignature(), arity, encoded);
    } catch (IllegalArgumentException e) {
      throw unnameable(name, e.getMessage(), e);
    }
  }

  private static byte[] encodeCaptured(
      String name, SerializedLambda s, Object[] captured, ValueCodec codec) {
    if (captured.length == 0) {
      return new byte[0];
    }
    Object first = captured[0];
    String capturing = s.getCapturingClass().replace('/', '.');
    if (first != null
        && first.getClass().getName().equals(capturing)
        && s.getImplMethodName().startsWith("lambda$")
        && !codec.allows(first.getClass())) {
      throw unnameable(
          name,
          "the lambda captures 'this' (an instance of " + capturing + ") because its body uses an"
              + " instance field or method",
          "make the method it calls static, or copy the field into a local variable before the"
              + " lambda; or " + FIX,
          null);
    }
    byte[] encoded;
    try {
      encoded = codec.encode(captured);
    } catch (CodecException e) {
      throw unnameable(
          name, "it captures a value the value codec cannot encode (" + e.getMessage() + ")",
          FIX + ", or allow the captured value's class in the codec", e);
    }
    if (encoded.length > DescriptorFormat.MAX_CAPTURED_BYTES) {
      throw unnameable(
          name, "the values it captures take " + encoded.length + " bytes, more than "
              + DescriptorFormat.MAX_CAPTURED_BYTES,
          "pass large values as task arguments (graph values), not as captured variables", null);
    }
    return encoded;
  }

  private static FunctionDescriptor describeNamed(Fn fn) {
    String name = fn.functionName();
    boolean builtin = Builtins.find(name).filter(b -> b == fn).isPresent();
    if (!builtin && !name.contains("::")) {
      throw unnameable(name, "it is not a registered built-in or Class::method function", null);
    }
    return new FunctionDescriptor(
        FunctionKind.NAMED, "", name, "", FunctionDescriptor.VARARGS, new byte[0]);
  }

  private static FunctionDescriptor describeClass(Class<?> c, int arity) {
    String name = c.getName();
    if (c.isAnonymousClass()) {
      throw unnameable(
          "the anonymous class " + name, "an anonymous class has no name the other side can load,"
              + " and may capture its surroundings", null);
    }
    if (c.isLocalClass()) {
      throw unnameable(
          "the local class " + name, "a class declared inside a method cannot be loaded by name,"
              + " and may capture its surroundings", null);
    }
    if (c.isMemberClass() && !Modifier.isStatic(c.getModifiers())) {
      throw unnameable(
          "the inner class " + name, "a non-static inner class holds its enclosing instance",
          "declare it static with a public no-argument constructor, or " + FIX, null);
    }
    if (c.isEnum() || (c.getSuperclass() != null && c.getSuperclass().isEnum())) {
      throw unnameable("the enum " + name, "enum constants are not made by a constructor", null);
    }
    Constructor<?> noArgs;
    try {
      noArgs = c.getDeclaredConstructor();
    } catch (NoSuchMethodException e) {
      noArgs = null;
    }
    if (noArgs == null || !Modifier.isPublic(noArgs.getModifiers())) {
      throw unnameable(
          "the function class " + name, "it has no public no-argument constructor to make it with",
          "add one, or " + FIX, null);
    }
    List<String> fields = instanceFields(c);
    if (!fields.isEmpty()) {
      throw unnameable(
          "the function class " + name, "it has instance fields " + fields + ", whose values would"
              + " not travel: the other side makes a fresh instance",
          "keep function classes stateless (static fields are fine), or " + FIX, null);
    }
    return new FunctionDescriptor(FunctionKind.FUNCTION_CLASS, name, "", "", arity, new byte[0]);
  }

  private static List<String> instanceFields(Class<?> c) {
    List<String> names = new ArrayList<>();
    for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers())) {
          names.add(f.getName());
        }
      }
    }
    return names;
  }

  private static UnnameableFunctionException unnameable(
      String function, String why, Throwable cause) {
    return unnameable(function, why, FIX, cause);
  }

  private static UnnameableFunctionException unnameable(
      String function, String why, String fix, Throwable cause) {
    return new UnnameableFunctionException(
        "cannot send " + function + " to another process by name: " + why + "; " + fix, cause);
  }
}
