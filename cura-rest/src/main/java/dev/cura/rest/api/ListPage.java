package dev.cura.rest.api;

import java.util.List;

/**
 * The OpenAI list shape {@code {"object":"list","data":[…],"has_more":…}}.
 *
 * @param data the page's items
 * @param hasMore true when another page follows (pass the last item's id as {@code after})
 */
public record ListPage<T>(String object, List<T> data, boolean hasMore) {
  public static <T> ListPage<T> of(List<T> data, boolean hasMore) {
    return new ListPage<>("list", data, hasMore);
  }

  /**
   * A page from {@code limit + 1} fetched rows: the extra row only tells that more exist.
   *
   * @param rows up to {@code limit + 1} rows in page order
   */
  public static <T> ListPage<T> fromOverfetch(List<T> rows, int limit) {
    boolean more = rows.size() > limit;
    return of(more ? List.copyOf(rows.subList(0, limit)) : List.copyOf(rows), more);
  }

  /** Validates a {@code limit} query parameter: 1..100, default 20 (as OpenAI). */
  public static int limit(Integer limit) {
    if (limit == null) {
      return 20;
    }
    if (limit < 1 || limit > 100) {
      throw ApiException.invalid("limit", "limit must be between 1 and 100, got " + limit);
    }
    return limit;
  }
}
