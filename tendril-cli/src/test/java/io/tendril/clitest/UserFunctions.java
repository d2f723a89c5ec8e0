package io.tendril.clitest;

/** Static methods that test graph files call as "io.tendril.clitest.UserFunctions::name". */
public final class UserFunctions {
  private UserFunctions() {}

  public static long square(long x) {
    return x * x;
  }

  public static String greet(String name) {
    return "hello " + name;
  }

  public static long explode(long x) {
    throw new IllegalStateException("exploded on " + x);
  }
}
