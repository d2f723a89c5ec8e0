package io.tendril.protocol.codec;

import java.util.Set;

/**
 * The classes every {@link ValueCodec} allows, by binary name: the documented standard set
 * (boxed primitives, strings, big numbers, the common collections and the results of {@code
 * List.of}, {@code Map.of} and {@code Set.of}, {@code Optional}, {@code java.time}, {@code UUID},
 * tuple keys). Apache Fory serializes most of these with built-in serializers and would accept
 * them anyway; naming them here keeps the allowed set independent of Fory's internals.
 *
 * <p>Part of the wire contract: both ends of a connection run the same list.
 */
final class StandardTypes {
  private StandardTypes() {}

  /** Packages all of whose classes are allowed (not their sub-packages). */
  static final Set<String> PACKAGES = Set.of("java.time");

  /** Single classes that are allowed. */
  static final Set<String> CLASSES =
      Set.of(
          "java.lang.Boolean",
          "java.lang.Byte",
          "java.lang.Character",
          "java.lang.Short",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Float",
          "java.lang.Double",
          "java.lang.String",
          "java.lang.String$CaseInsensitiveComparator",
          // Abstract, never instantiated: Fory names them as the declared type of enum and record
          // elements.
          "java.lang.Enum",
          "java.lang.Record",
          "java.math.BigInteger",
          "java.math.BigDecimal",
          "java.util.UUID",
          "java.util.Optional",
          "java.util.OptionalInt",
          "java.util.OptionalLong",
          "java.util.OptionalDouble",
          "java.util.ArrayList",
          "java.util.LinkedList",
          "java.util.ArrayDeque",
          "java.util.HashMap",
          "java.util.LinkedHashMap",
          "java.util.TreeMap",
          "java.util.HashSet",
          "java.util.LinkedHashSet",
          "java.util.TreeSet",
          "java.util.Arrays$ArrayList",
          "java.util.ImmutableCollections$List12",
          "java.util.ImmutableCollections$ListN",
          "java.util.ImmutableCollections$SubList",
          "java.util.ImmutableCollections$Set12",
          "java.util.ImmutableCollections$SetN",
          "java.util.ImmutableCollections$Map1",
          "java.util.ImmutableCollections$MapN",
          "java.util.Collections$EmptyList",
          "java.util.Collections$EmptySet",
          "java.util.Collections$EmptyMap",
          "java.util.Collections$SingletonList",
          "java.util.Collections$SingletonSet",
          "java.util.Collections$SingletonMap",
          "java.util.Collections$UnmodifiableCollection",
          "java.util.Collections$UnmodifiableList",
          "java.util.Collections$UnmodifiableRandomAccessList",
          "java.util.Collections$UnmodifiableSet",
          "java.util.Collections$UnmodifiableSortedSet",
          "java.util.Collections$UnmodifiableMap",
          "java.util.Collections$UnmodifiableSortedMap",
          "java.util.Collections$ReverseComparator",
          "java.util.Comparators$NaturalOrderComparator",
          "io.tendril.graph.Key");
}
