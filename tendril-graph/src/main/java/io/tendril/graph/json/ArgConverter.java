package io.tendril.graph.json;

import static io.tendril.graph.json.Values.describe;
import static io.tendril.graph.json.Values.isInt;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Converts JSON values to the parameter types of a Java method, where no information is lost, and
 * a method's result back to JSON's kinds. Owns the conversion rules and their costs, by which
 * {@link ReflectiveFn} picks among overloads; used only there.
 *
 * <p>Conversions, cheapest first: a value of exactly the parameter's type (a {@code Long} to
 * {@code long} or {@code Long}, a {@code Double} to {@code double}, a {@code String}, {@code
 * Boolean}, {@code List} or {@code Map} to itself); an integer to {@code int}, {@code short} or
 * {@code byte} when it fits, to {@code Number}, a list to {@code Collection} or {@code Iterable}, a
 * one-character string to {@code char}; an integer to {@code double}, {@code float}, {@code
 * BigInteger} or {@code BigDecimal} when exact, a float to {@code float} when exact or to {@code
 * BigDecimal}, a list to an array whose elements convert; anything to {@code Object}. null goes to
 * any reference type.
 */
final class ArgConverter {
  /** Returned by {@link #convert} when a value cannot be converted; {@link #reason} says why. */
  static final Object FAIL = new Object();

  private ArgConverter() {}

  /** A conversion's result: the value, or {@link #FAIL}, and its cost. */
  static final class Result {
    Object value;
    int cost;
  }

  /**
   * Converts a value to a parameter type.
   *
   * @param type the parameter type
   * @param v the value
   * @param out receives the converted value (or {@link #FAIL}) and the cost
   */
  static void convert(Class<?> type, Object v, Result out) {
    out.cost = 0;
    out.value = FAIL;
    if (type == Object.class) {
      set(out, v, 3);
      return;
    }
    if (v == null) {
      if (!type.isPrimitive()) {
        set(out, null, 0);
      }
      return;
    }
    Class<?> t = box(type);
    if (t == Long.class || t == Integer.class || t == Short.class || t == Byte.class) {
      integral(t, v, out);
    } else if (t == Double.class) {
      if (v instanceof Double) {
        set(out, v, 0);
      } else if (v instanceof Float f) {
        set(out, f.doubleValue(), 1);
      } else if (isInt(v) && exactInDouble(((Number) v).longValue())) {
        set(out, ((Number) v).doubleValue(), 2);
      }
    } else if (t == Float.class) {
      if (v instanceof Float) {
        set(out, v, 0);
      } else if ((v instanceof Double || isInt(v)) && exactInFloat((Number) v)) {
        set(out, ((Number) v).floatValue(), 2);
      }
    } else if (t == Boolean.class) {
      if (v instanceof Boolean) {
        set(out, v, 0);
      }
    } else if (t == Character.class) {
      if (v instanceof Character) {
        set(out, v, 0);
      } else if (v instanceof String s && s.length() == 1) {
        set(out, s.charAt(0), 1);
      }
    } else if (type == BigInteger.class) {
      if (v instanceof BigInteger) {
        set(out, v, 0);
      } else if (isInt(v)) {
        set(out, BigInteger.valueOf(((Number) v).longValue()), 2);
      }
    } else if (type == BigDecimal.class) {
      if (v instanceof BigDecimal) {
        set(out, v, 0);
      } else if (isInt(v)) {
        set(out, BigDecimal.valueOf(((Number) v).longValue()), 2);
      } else if (Values.isFloat(v) && Double.isFinite(((Number) v).doubleValue())) {
        set(out, BigDecimal.valueOf(((Number) v).doubleValue()), 2);
      }
    } else if (type.isArray() && v instanceof List<?> list) {
      array(type.getComponentType(), list, out);
    } else if (type.isInstance(v)) {
      boolean exact =
          v.getClass() == type
              || type == List.class && v instanceof List
              || type == Map.class && v instanceof Map
              || type == String.class;
      set(out, v, exact ? 0 : 1);
    }
  }

  private static void integral(Class<?> t, Object v, Result out) {
    if (!isInt(v) && !(v instanceof BigInteger)) {
      return;
    }
    BigInteger big = v instanceof BigInteger b ? b : null;
    if (big != null && big.bitLength() > 63) {
      return;
    }
    long x = big != null ? big.longValue() : ((Number) v).longValue();
    int cost = v.getClass() == t ? 0 : 1;
    if (t == Long.class) {
      set(out, x, cost);
    } else if (t == Integer.class && x == (int) x) {
      set(out, (int) x, cost);
    } else if (t == Short.class && x == (short) x) {
      set(out, (short) x, cost);
    } else if (t == Byte.class && x == (byte) x) {
      set(out, (byte) x, cost);
    }
  }

  private static void array(Class<?> component, List<?> list, Result out) {
    Object arr = Array.newInstance(component, list.size());
    Result element = new Result();
    for (int i = 0; i < list.size(); i++) {
      convert(component, list.get(i), element);
      if (element.value == FAIL) {
        return;
      }
      Array.set(arr, i, element.value);
    }
    set(out, arr, 2);
  }

  private static void set(Result out, Object value, int cost) {
    out.value = value;
    out.cost = cost;
  }

  private static boolean exactInDouble(long x) {
    return Math.abs(x) <= (1L << 53)
        || new BigDecimal((double) x).compareTo(BigDecimal.valueOf(x)) == 0;
  }

  private static boolean exactInFloat(Number n) {
    double d = n.doubleValue();
    if (n instanceof Double) {
      return Double.isNaN(d) || (double) (float) d == d;
    }
    long x = n.longValue();
    return new BigDecimal((float) x).compareTo(BigDecimal.valueOf(x)) == 0
        && Float.isFinite((float) x);
  }

  /** Why a value does not convert to a type, for messages: e.g. {@code expects an int, got ...}. */
  static String reason(Class<?> type, Object v) {
    String got = describe(v);
    if (isInt(v) && box(type) == Integer.class) {
      got += " (outside the int range)";
    } else if (isInt(v) && (box(type) == Short.class || box(type) == Byte.class)) {
      got += " (outside the " + type.getSimpleName().toLowerCase() + " range)";
    } else if ((isInt(v) || Values.isFloat(v)) && (box(type) == Double.class || box(type) == Float.class)) {
      got += " (not exact as a " + type.getSimpleName().toLowerCase() + ")";
    } else if (v == null && type.isPrimitive()) {
      got = "null (a primitive cannot be null)";
    }
    return "expects " + article(type) + ", got " + got;
  }

  private static String article(Class<?> type) {
    String name = type.isArray() ? type.getComponentType().getSimpleName() + "[]" : type.getSimpleName();
    return ("aeiouAEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
  }

  static Class<?> box(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    if (type == long.class) {
      return Long.class;
    }
    if (type == int.class) {
      return Integer.class;
    }
    if (type == double.class) {
      return Double.class;
    }
    if (type == boolean.class) {
      return Boolean.class;
    }
    if (type == float.class) {
      return Float.class;
    }
    if (type == short.class) {
      return Short.class;
    }
    if (type == byte.class) {
      return Byte.class;
    }
    if (type == char.class) {
      return Character.class;
    }
    return Void.class;
  }

  /**
   * Brings a method's result to JSON's kinds: smaller integers to {@code Long}, {@code Float} to
   * {@code Double}, {@code Character} to {@code String}, arrays to lists (element by element);
   * anything else unchanged.
   */
  static Object normalizeResult(Object r) {
    if (r instanceof Integer || r instanceof Short || r instanceof Byte) {
      return ((Number) r).longValue();
    }
    if (r instanceof Float f) {
      return f.doubleValue();
    }
    if (r instanceof Character c) {
      return c.toString();
    }
    return r;
  }
}
