package io.tendril.graph.json;

import static io.tendril.graph.json.Builtin.arity;
import static io.tendril.graph.json.Values.describe;
import static io.tendril.graph.json.Values.isInt;
import static io.tendril.graph.json.Values.isNumber;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The arithmetic built-ins with Python's meaning: {@code inc}, {@code dec}, {@code add}, {@code
 * sub}, {@code mul}, {@code neg}, {@code abs}, {@code truediv}, {@code floordiv}, {@code mod},
 * {@code pow}. Registered by {@link Builtins}; {@code add} is also what {@code sum} adds with.
 *
 * <p>Integers stay 64-bit {@code Long}: a result that does not fit is an {@link
 * ArithmeticException} (Python would grow the integer; here it is never silently wrong). An
 * integer meeting a float gives a float. Division by zero is an {@link ArithmeticException}, as
 * Python's {@code ZeroDivisionError}; wrong types are an {@link IllegalArgumentException}, as
 * Python's {@code TypeError}.
 */
final class Arith {
  private static final long SAFE_INT = 1L << 53;

  private Arith() {}

  static Object inc(String fn, Object[] a) {
    arity(fn, a, 1, 1, "a number");
    Object x = number(fn, a[0]);
    if (isInt(x)) {
      long v = ((Number) x).longValue();
      if (v == Long.MAX_VALUE) {
        throw overflow(fn, v + " + 1");
      }
      return v + 1;
    }
    return ((Number) x).doubleValue() + 1.0;
  }

  static Object dec(String fn, Object[] a) {
    arity(fn, a, 1, 1, "a number");
    Object x = number(fn, a[0]);
    if (isInt(x)) {
      long v = ((Number) x).longValue();
      if (v == Long.MIN_VALUE) {
        throw overflow(fn, v + " - 1");
      }
      return v - 1;
    }
    return ((Number) x).doubleValue() - 1.0;
  }

  static Object neg(String fn, Object[] a) {
    arity(fn, a, 1, 1, "a number");
    Object x = number(fn, a[0]);
    if (isInt(x)) {
      long v = ((Number) x).longValue();
      if (v == Long.MIN_VALUE) {
        throw overflow(fn, "-(" + v + ")");
      }
      return -v;
    }
    return -((Number) x).doubleValue();
  }

  static Object abs(String fn, Object[] a) {
    arity(fn, a, 1, 1, "a number");
    Object x = number(fn, a[0]);
    if (isInt(x)) {
      long v = ((Number) x).longValue();
      if (v == Long.MIN_VALUE) {
        throw overflow(fn, "abs(" + v + ")");
      }
      return Math.abs(v);
    }
    return Math.abs(((Number) x).doubleValue());
  }

  static Object add(String fn, Object[] a) {
    arity(fn, a, 2, 2, "two numbers, two strings or two lists");
    return plus(fn, a[0], a[1]);
  }

  /** Python's {@code x + y} for numbers, strings and lists; {@code fn} names the caller. */
  static Object plus(String fn, Object x, Object y) {
    if (isInt(x) && isInt(y)) {
      long p = ((Number) x).longValue();
      long q = ((Number) y).longValue();
      long r = p + q;
      if (((p ^ r) & (q ^ r)) < 0) {
        throw overflow(fn, p + " + " + q);
      }
      return r;
    }
    if (isNumber(x) && isNumber(y)) {
      return ((Number) x).doubleValue() + ((Number) y).doubleValue();
    }
    if (x instanceof String s && y instanceof String t) {
      return s + t;
    }
    if (x instanceof List<?> s && y instanceof List<?> t) {
      List<Object> r = new ArrayList<>(s.size() + t.size());
      r.addAll(s);
      r.addAll(t);
      return r;
    }
    throw new IllegalArgumentException(
        fn + " expects two numbers, two strings or two lists, got " + describe(x) + " and "
            + describe(y));
  }

  static Object sub(String fn, Object[] a) {
    arity(fn, a, 2, 2, "two numbers");
    Object x = number(fn, a[0], a[1], 0);
    Object y = number(fn, a[0], a[1], 1);
    if (isInt(x) && isInt(y)) {
      long p = ((Number) x).longValue();
      long q = ((Number) y).longValue();
      long r = p - q;
      if (((p ^ q) & (p ^ r)) < 0) {
        throw overflow(fn, p + " - " + q);
      }
      return r;
    }
    return ((Number) x).doubleValue() - ((Number) y).doubleValue();
  }

  static Object mul(String fn, Object[] a) {
    arity(fn, a, 2, 2, "two numbers, or a string or list and an integer");
    Object x = a[0];
    Object y = a[1];
    if (isInt(x) && (y instanceof String || y instanceof List)) {
      return repeat(fn, y, ((Number) x).longValue());
    }
    if (isInt(y) && (x instanceof String || x instanceof List)) {
      return repeat(fn, x, ((Number) y).longValue());
    }
    if (!isNumber(x) || !isNumber(y)) {
      throw new IllegalArgumentException(
          fn + " expects two numbers, or a string or list and an integer, got " + describe(x)
              + " and " + describe(y));
    }
    if (isInt(x) && isInt(y)) {
      long p = ((Number) x).longValue();
      long q = ((Number) y).longValue();
      try {
        return Math.multiplyExact(p, q);
      } catch (ArithmeticException tooBig) {
        throw overflow(fn, p + " * " + q);
      }
    }
    return ((Number) x).doubleValue() * ((Number) y).doubleValue();
  }

  private static Object repeat(String fn, Object seq, long times) {
    int size = seq instanceof String s ? s.length() : ((List<?>) seq).size();
    long n = Math.max(0, times);
    if (size > 0 && n > (Integer.MAX_VALUE - 8) / size) {
      throw new ArithmeticException(
          fn + ": repeating " + describe(seq) + " " + times + " times is too long for one value");
    }
    if (seq instanceof String s) {
      return s.repeat((int) n);
    }
    List<Object> r = new ArrayList<>((int) (size * n));
    for (long i = 0; i < n; i++) {
      r.addAll((List<?>) seq);
    }
    return r;
  }

  /** Python's {@code x / y}: always a float. */
  static Object truediv(String fn, Object[] a) {
    arity(fn, a, 2, 2, "two numbers");
    Object x = number(fn, a[0], a[1], 0);
    Object y = number(fn, a[0], a[1], 1);
    if (((Number) y).doubleValue() == 0) {
      throw new ArithmeticException(fn + ": division by zero (" + describe(x) + " / " + describe(y) + ")");
    }
    if (isInt(x) && isInt(y)) {
      long p = ((Number) x).longValue();
      long q = ((Number) y).longValue();
      if (Math.abs(p) <= SAFE_INT && Math.abs(q) <= SAFE_INT) {
        return (double) p / (double) q; // both exact, so the quotient is correctly rounded
      }
      // Python rounds the exact quotient of big integers once; so does this.
      return new BigDecimal(p).divide(new BigDecimal(q), new MathContext(120)).doubleValue();
    }
    return ((Number) x).doubleValue() / ((Number) y).doubleValue();
  }

  /** Python's {@code x // y}: floor division; an integer for two integers. */
  static Object floordiv(String fn, Object[] a) {
    arity(fn, a, 2, 2, "two numbers");
    Object x = number(fn, a[0], a[1], 0);
    Object y = number(fn, a[0], a[1], 1);
    if (isInt(x) && isInt(y)) {
      long p = ((Number) x).longValue();
      long q = ((Number) y).longValue();
      if (q == 0) {
        throw new ArithmeticException(fn + ": integer division by zero (" + p + " // 0)");
      }
      if (p == Long.MIN_VALUE && q == -1) {
        throw overflow(fn, p + " // -1");
      }
      return Math.floorDiv(p, q);
    }
    double q = ((Number) y).doubleValue();
    if (q == 0) {
      throw new ArithmeticException(fn + ": float floor division by zero (" + describe(x) + " // " + describe(y) + ")");
    }
    return divmod(((Number) x).doubleValue(), q)[0];
  }

  /** Python's {@code x % y}: the remainder has the sign of {@code y}. */
  static Object mod(String fn, Object[] a) {
    arity(fn, a, 2, 2, "two numbers");
    Object x = number(fn, a[0], a[1], 0);
    Object y = number(fn, a[0], a[1], 1);
    if (isInt(x) && isInt(y)) {
      long p = ((Number) x).longValue();
      long q = ((Number) y).longValue();
      if (q == 0) {
        throw new ArithmeticException(fn + ": integer modulo by zero (" + p + " % 0)");
      }
      return Math.floorMod(p, q);
    }
    double q = ((Number) y).doubleValue();
    if (q == 0) {
      throw new ArithmeticException(fn + ": float modulo by zero (" + describe(x) + " % " + describe(y) + ")");
    }
    return divmod(((Number) x).doubleValue(), q)[1];
  }

  /** CPython's {@code _float_div_mod}: floor quotient and remainder of two floats, y nonzero. */
  private static double[] divmod(double vx, double wx) {
    double mod = vx % wx; // Java's % on doubles is C's fmod
    double div = (vx - mod) / wx;
    if (mod != 0) {
      if ((wx < 0) != (mod < 0)) {
        mod += wx;
        div -= 1.0;
      }
    } else {
      mod = Math.copySign(0.0, wx);
    }
    double floordiv;
    if (div != 0) {
      floordiv = Math.floor(div);
      if (div - floordiv > 0.5) {
        floordiv += 1.0;
      }
    } else {
      floordiv = Math.copySign(0.0, vx / wx);
    }
    return new double[] {floordiv, mod};
  }

  /**
   * Python's {@code x ** y}: an integer for integers with {@code y >= 0}, else a float. A zero to a
   * negative power is a division by zero; a negative float to a fractional power (a complex
   * number in Python) and a float result beyond the double range are errors.
   */
  static Object pow(String fn, Object[] a) {
    arity(fn, a, 2, 2, "two numbers");
    Object x = number(fn, a[0], a[1], 0);
    Object y = number(fn, a[0], a[1], 1);
    if (isInt(x) && isInt(y) && ((Number) y).longValue() >= 0) {
      return intPow(fn, ((Number) x).longValue(), ((Number) y).longValue());
    }
    double v = ((Number) x).doubleValue();
    double w = ((Number) y).doubleValue();
    if (w == 0 || v == 1.0) {
      return 1.0;
    }
    if (Double.isNaN(v) || Double.isNaN(w)) {
      return Double.NaN;
    }
    if (Double.isInfinite(w) && Math.abs(v) == 1.0) {
      return 1.0;
    }
    if (v == 0 && w < 0) {
      throw new ArithmeticException(fn + ": 0.0 cannot be raised to a negative power (" + describe(y) + ")");
    }
    if (v < 0 && Double.isFinite(w) && w != Math.rint(w)) {
      throw new ArithmeticException(
          fn + ": a negative number to a fractional power is a complex number ("
              + describe(x) + " ** " + describe(y) + ")");
    }
    double r = Math.pow(v, w);
    if (Double.isInfinite(r) && Double.isFinite(v) && Double.isFinite(w)) {
      throw new ArithmeticException(
          fn + ": the result of " + describe(x) + " ** " + describe(y)
              + " is beyond the range of a 64-bit float");
    }
    return r;
  }

  private static long intPow(String fn, long base, long exp) {
    if (exp == 0 || base == 1) {
      return 1;
    }
    if (base == 0) {
      return 0;
    }
    if (base == -1) {
      return (exp & 1) == 0 ? 1 : -1;
    }
    long result = 1;
    long b = base;
    long e = exp;
    try {
      while (true) {
        if ((e & 1) != 0) {
          result = Math.multiplyExact(result, b);
        }
        e >>= 1;
        if (e == 0) {
          return result;
        }
        b = Math.multiplyExact(b, b);
      }
    } catch (ArithmeticException tooBig) {
      throw overflow(fn, base + " ** " + exp);
    }
  }

  private static Object number(String fn, Object v) {
    if (!isNumber(v)) {
      throw new IllegalArgumentException(fn + " expects a number, got " + describe(v));
    }
    return v;
  }

  /** Argument {@code which} of a two-number built-in, checked; the message shows both. */
  private static Object number(String fn, Object x, Object y, int which) {
    Object v = which == 0 ? x : y;
    if (!isNumber(v)) {
      throw new IllegalArgumentException(
          fn + " expects two numbers, got " + describe(x) + " and " + describe(y));
    }
    return v;
  }

  static ArithmeticException overflow(String fn, String expression) {
    return new ArithmeticException(
        fn + ": integer overflow: " + expression
            + " does not fit in 64 bits (Tendril integers are 64-bit; Python would grow the"
            + " integer); use floats for larger values");
  }
}
