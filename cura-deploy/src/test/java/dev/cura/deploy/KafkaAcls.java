package dev.cura.deploy;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** deploy/kafka/acls.txt: the Kafka ACL bindings of every CURA user. */
final class KafkaAcls {
  static final String FILE = "deploy/kafka/acls.txt";

  /** One binding; names as Kafka spells them in lower case (read, topic, literal). */
  record Binding(String user, String operation, String resource, String pattern, String name) {
    @Override
    public String toString() {
      return user + " " + operation + " " + resource + " " + pattern + " " + name;
    }
  }

  static List<Binding> all() {
    var out = new ArrayList<Binding>();
    for (Repo.Row row : Repo.table(FILE, "USER OPERATION RESOURCE PATTERN NAME")) {
      String[] f = row.fields();
      out.add(new Binding(f[0], lower(f[1]), lower(f[2]), lower(f[3]), f[4]));
    }
    return out;
  }

  static Set<Binding> of(String user) {
    return all().stream().filter(b -> b.user().equals(user)).collect(Collectors.toSet());
  }

  static Set<String> users() {
    return all().stream().map(Binding::user).collect(Collectors.toCollection(TreeSet::new));
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  static boolean exists() {
    return Files.isRegularFile(Repo.path(FILE));
  }

  private KafkaAcls() {}
}
