package io.tendril.protocol.codec;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Describes a class loader for "not found" messages: where it looks for classes, so that a user
 * reading the message can tell which jar is missing.
 */
final class ClassLoaders {
  private static final int MAX_ENTRIES = 5;

  private ClassLoaders() {}

  /**
   * Where a loader looks: the jars of a {@link URLClassLoader}, the class path of the application
   * loader, or the loader's name.
   *
   * @param loader the loader, or null for the bootstrap loader
   * @return a short description
   */
  static String describe(ClassLoader loader) {
    if (loader == null) {
      return "the bootstrap class loader";
    }
    if (loader instanceof URLClassLoader u) {
      List<String> urls = new ArrayList<>();
      for (URL url : u.getURLs()) {
        urls.add(url.toString());
      }
      return "URLClassLoader over " + firstEntries(urls);
    }
    if (loader == ClassLoader.getSystemClassLoader()) {
      String path = System.getProperty("java.class.path", "");
      List<String> entries = Arrays.asList(path.split(File.pathSeparator));
      return "the application class loader (class path " + firstEntries(entries) + ")";
    }
    String name = loader.getName();
    return name != null
        ? "class loader '" + name + "' (" + loader.getClass().getName() + ")"
        : loader.toString();
  }

  private static String firstEntries(List<String> entries) {
    if (entries.size() <= MAX_ENTRIES) {
      return entries.toString();
    }
    return entries.subList(0, MAX_ENTRIES) + " and " + (entries.size() - MAX_ENTRIES) + " more";
  }
}
