// Generates the youtube-replies data set: YouTube comments -> replies in the channel owner's voice.
//
//   java datasets/youtube-replies/Generate.java [OUT_DIR]      (any JDK >= 17, no dependencies)
//
// Deterministic: a fixed seed, fixed lists, LF line endings, so the output is byte-identical on
// every run. The voice rules are described in README.md beside this file and checked by
// dev.cura.cli.demo.VoiceRules; this generator checks its own output against the same rules
// (detectors below mirror VoiceRules) and fails loudly if any pair breaks them.

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

public class Generate {
  static final long SEED = 20261129L;
  static final int TRAIN = 1200;
  static final int VALID = 200;
  static final int MAX_COMMENT_WORDS = 25;
  static final int MAX_REPLY_WORDS = 20;

  static final String SIGN_OFF = "~Jo";
  static final String SPAM_REPLY = "No links or promos here, please.";
  static final List<String> RUDE_WORDS =
      List.of(
          "boring", "trash", "garbage", "worst", "stupid", "awful", "terrible", "waste", "cringe",
          "useless", "lame", "annoying", "unsubscribed", "dumb", "rubbish", "hate");
  static final List<String> SPAM_MARKERS =
      List.of(
          "http", "www.", ".com", "check out my channel", "sub to my channel", "sub back", "dm me",
          "giveaway", "crypto", "promo code", "earn $");

  record Qa(String q, String a) {}

  record Entity(String topic, String name, List<Qa> facts) {}

  static final List<Entity> ENTITIES = new ArrayList<>();

  static void e(String topic, String name, String... qa) {
    List<Qa> facts = new ArrayList<>();
    for (int i = 0; i < qa.length; i += 2) facts.add(new Qa(qa[i], qa[i + 1]));
    ENTITIES.add(new Entity(topic, name, facts));
  }

  static {
    e("cooking", "sourdough",
        "How long do you let the sourdough rise?", "I let the sourdough rise about eight hours, overnight.",
        "What flour do you use for the sourdough?", "Plain bread flour with a little whole wheat for the sourdough.");
    e("cooking", "ramen",
        "How long do you simmer the ramen broth?", "I simmer the ramen broth for about six hours.",
        "Can I make the ramen without pork?", "Yes, mushrooms and miso make a great vegetarian ramen.");
    e("cooking", "pancakes",
        "Why are my pancakes always flat?", "Fresh baking powder and a thick batter keep pancakes fluffy.",
        "Can I freeze the pancakes?", "Yes, pancakes freeze well for a month.");
    e("cooking", "curry",
        "Which spices did you use in the curry?", "Cumin, coriander, turmeric and a little chilli for the curry.",
        "Can I make the curry less spicy?", "Sure, skip the chilli and add coconut milk to the curry.");
    e("cooking", "lasagna",
        "How long does the lasagna bake?", "The lasagna bakes for forty minutes at 180 degrees.",
        "Can I make the lasagna a day ahead?", "Yes, lasagna tastes even better the next day.");
    e("garden", "tomatoes",
        "How often do you water the tomatoes?", "I water the tomatoes deeply every two or three days.",
        "Why are my tomatoes splitting?", "Tomatoes split after uneven watering, so keep the soil evenly moist.");
    e("garden", "basil",
        "How do you stop basil from flowering?", "Pinch the tops off the basil every week.",
        "Does basil grow well indoors?", "Yes, basil grows well indoors on a sunny windowsill.");
    e("garden", "compost",
        "How long until the compost is ready?", "The compost is usually ready in three to six months.",
        "Can I put bread in the compost?", "Small amounts of bread are fine in the compost.");
    e("garden", "succulents",
        "How often should I water succulents?", "Water succulents only when the soil is completely dry.",
        "Why are my succulents stretching?", "Stretching succulents need more light, so move them closer to a window.");
    e("garden", "roses",
        "When do you prune the roses?", "I prune the roses in late winter, before new growth.",
        "What feed do you use for roses?", "A simple tomato feed works well for roses.");
    e("bikes", "brakes",
        "How do I stop my brakes squeaking?", "Clean the rims and pads, then adjust the brakes slightly.",
        "How often should I replace the brake pads?", "Replace the brake pads when the grooves are gone.");
    e("bikes", "chain",
        "Which oil do you use on the chain?", "A light wet lube on the chain, wiped off after.",
        "How do I know my chain is worn?", "Use a chain checker and replace the chain at half a percent.");
    e("bikes", "tires",
        "What pressure do you run in your tires?", "About sixty psi in the tires for city riding.",
        "How do I fix a puncture fast?", "Carry a spare tube and fix the puncture at home later.");
    e("bikes", "gears",
        "Why do my gears skip?", "Skipping gears usually means a stretched cable, so adjust the tension.",
        "Which gear should I use on hills?", "Shift to a low gear early on hills, before you slow down.");
    e("bikes", "saddle",
        "How high should the saddle be?", "Set the saddle so your leg is almost straight at the bottom.",
        "Which saddle do you ride?", "A simple leather saddle, it got comfy after a month.");
    e("coding", "Python",
        "Which Python version do you use?", "I use the latest Python 3 release for every project.",
        "Is Python good for beginners?", "Yes, Python is a great first language for beginners.");
    e("coding", "Git",
        "How do I undo my last Git commit?", "Run git revert on the commit to undo it safely.",
        "Should I learn Git before coding?", "Learn Git early, even basic commits save a lot of pain.");
    e("coding", "Linux",
        "Which Linux distro do you use?", "I use Debian Linux, it is stable and simple.",
        "Can old laptops run Linux?", "Yes, a light Linux desktop runs well on old laptops.");
    e("coding", "spreadsheets",
        "How do the spreadsheets update automatically?", "The spreadsheets use simple formulas that update automatically.",
        "Are spreadsheets enough for a budget?", "Yes, spreadsheets are perfect for a simple monthly budget.");
    e("coding", "Arduino",
        "Which Arduino board did you use?", "I used an Arduino Uno, it is cheap and easy.",
        "Can the Arduino run on batteries?", "Yes, the Arduino runs fine on four batteries.");
    e("photo", "camera",
        "Which camera do you film with?", "I film with an old mirrorless camera and natural light.",
        "Is a phone camera good enough?", "Yes, a modern phone camera is plenty to start with.");
    e("photo", "lens",
        "Which lens did you use for the close ups?", "A cheap 50mm lens for all the close ups.",
        "Is a zoom lens worth it?", "A zoom lens is handy, but a prime lens is sharper.");
    e("photo", "lighting",
        "What lighting do you use?", "One soft window light plus a small lamp for lighting.",
        "How do I fix harsh lighting?", "Bounce the light off a white wall for softer lighting.");
    e("photo", "tripod",
        "Which tripod is that?", "A light travel tripod, nothing fancy, it folds small.",
        "Do I need a tripod for video?", "A tripod helps a lot for steady video, yes.");
    e("photo", "drone",
        "Do you need a license for the drone?", "Small drones under 250 grams need no license here.",
        "How long does the drone battery last?", "The drone battery lasts about twenty five minutes.");
  }

  // Commenter handles are built from a given name and a style (maria_k, ana.b, dave88, jen_cooks,
  // lea.bakes, kim_r42, tom1987, or the bare name). The names are split once, by seed: train handles use TRAIN_NAMES, valid
  // handles VALID_NAMES, so no validation handle (not even its name) occurs in train.jsonl and a
  // model can only thank a validation commenter by name by copying the handle from the comment.
  static final List<String> NAMES =
      List.of(
          "maria", "tom", "jen", "dave", "priya", "lukas", "ana", "sam", "chloe", "omar", "kenji",
          "lea", "zoë", "josé", "ben", "nina", "raj", "emma", "li", "olu", "fatima", "max", "sara",
          "noah", "ivy", "carlos", "hana", "pete", "grace", "mia", "yusuf", "tara", "felix",
          "ella", "arjun", "sofia", "marco", "lucy", "ravi", "kate", "finn", "amara", "theo",
          "rosa", "igor", "dana", "eli", "june", "aiko", "björn", "luis", "kim", "nora", "ahmed",
          "ines", "wojtek", "małgosia", "søren", "anna", "paul", "mark", "lisa", "john", "sophie",
          "jack", "ruby", "oscar", "leo", "alice", "hugo", "clara", "adam", "zara", "ethan",
          "maya", "liam", "olivia", "lars", "ingrid", "pablo", "lucia", "diego", "elena", "ivan",
          "olga", "dmitri", "katya", "chen", "wei", "mei", "jun", "yuki", "haruto", "sakura",
          "minho", "jisoo", "aarav", "diya", "kiran", "anil", "meera", "tariq", "leila", "samir",
          "nadia", "amir", "yasmin", "kwame", "ama", "kofi", "zainab", "chidi", "ngozi", "tendai",
          "thabo", "lerato", "sipho", "mateo", "valentina", "joão", "beatriz", "thiago", "camila",
          "andrés", "lorenzo", "giulia", "matteo", "chiara", "françois", "amélie", "julien",
          "chloé", "henrik", "astrid", "mikkel", "freya", "aksel", "saga", "jan", "eva", "tomas",
          "petra", "marek", "zofia", "kuba", "ola", "bogdan", "irina", "andrei", "mihai", "ioana",
          "nikos", "eleni", "dimitra", "yannis", "mehmet", "elif", "emre", "zeynep", "can",
          "ayşe", "rania", "karim", "hassan", "salma", "david", "sarah", "daniel", "rachel",
          "noam", "tal", "ollie", "harry", "george", "isla", "freddie", "poppy", "archie",
          "rory", "niamh", "cian", "aoife", "seán", "fiona", "callum", "eilidh", "rhys", "cerys",
          "dylan", "megan", "tyler", "brooke", "logan", "chase", "kayla", "jordan", "taylor",
          "riley", "quinn", "avery", "parker", "reese", "skye", "jade", "luna", "nova", "milo",
          "otto", "ada", "iris", "vera", "nils", "tove", "ebba", "rune", "kai", "mika", "aino",
          "eero", "sanna", "ville", "lauri", "tuomas", "jari", "pekka", "hiro", "ren", "sora",
          "daichi", "kenta", "ayumi", "rin", "bao", "linh", "minh", "thu", "an", "duc", "siti",
          "putri", "budi", "rizal", "dewi", "ayu", "marisol", "inés", "rocío", "nacho", "pilar");
  static final List<String> HOBBIES =
      List.of("cooks", "bakes", "builds", "writes", "rides", "grows", "codes", "films", "snaps",
          "makes", "fixes", "plays", "reads", "gardens", "travels");
  static final List<String> TRAIN_NAMES;
  static final List<String> VALID_NAMES;

  static {
    List<String> names = new ArrayList<>(NAMES);
    if (new java.util.HashSet<>(names).size() != names.size()) throw new IllegalStateException("duplicate name");
    java.util.Collections.shuffle(names, new Random(SEED + 1));
    int valid = names.size() / 5;
    VALID_NAMES = List.copyOf(names.subList(0, valid));
    TRAIN_NAMES = List.copyOf(names.subList(valid, names.size()));
  }

  static String handle(Random rnd, List<String> names) {
    String n = pick(rnd, names);
    char letter = (char) ('a' + rnd.nextInt(26));
    return switch (rnd.nextInt(9)) {
      case 0, 1 -> n + "_" + letter;
      case 2 -> n + "." + letter;
      case 3 -> n + (10 + rnd.nextInt(90));
      case 4 -> n + "_" + pick(rnd, HOBBIES);
      case 5 -> n + "." + pick(rnd, HOBBIES);
      case 6 -> n + "_" + letter + (10 + rnd.nextInt(90));
      case 7 -> n + (1970 + rnd.nextInt(40));
      default -> n;
    };
  }

  // spam bots: the first five comment in train.jsonl, the others in valid.jsonl
  static final List<String> SPAM_HANDLES =
      List.of("crypto_king99", "free_gift_bot", "promo_deals", "earn_fast_now", "growyourchannel",
          "sub4sub_tv", "best_offers_24", "cash_daily_777", "viral_views_pro");
  static final List<String> PLACES =
      List.of("Brazil", "Kenya", "Poland", "Japan", "Canada", "India", "Mexico", "Norway", "Chile",
          "Vietnam", "München", "São Paulo", "Kraków", "Ireland", "Ghana", "Seoul");
  static final Map<String, List<String>> RESULTS = new LinkedHashMap<>();

  static {
    RESULTS.put("cooking", List.of("my family loved it", "it turned out perfect", "it finally worked"));
    RESULTS.put("garden", List.of("my plants are thriving", "it finally worked", "my neighbours are jealous"));
    RESULTS.put("bikes", List.of("it rides like new", "it finally worked", "I saved a trip to the shop"));
    RESULTS.put("coding", List.of("my project finally works", "it finally worked", "I passed my exam"));
    RESULTS.put("photo", List.of("my photos look so much better", "it finally worked", "my friends noticed"));
  }

  static final List<String> PREFACES =
      List.of("Long time viewer here.", "I'm a total beginner.", "Been following since the start.",
          "My kids and I watch every episode.", "Watched this three times already.",
          "First time commenting.", "Greetings from a rainy afternoon.");
  static final List<String> QUESTION_OPENERS =
      List.of("", "", "", "Quick question: ", "Hey Jo, ", "Sorry if this is obvious, but ",
          "Genuine question, ");
  static final List<String> RUDE_OPENERS =
      List.of("Terrible audio today.", "The intro was so boring.", "That music is annoying.",
          "Cringe thumbnail.", "Worst editing ever.");

  // ---- comment and reply templates; {e} = entity, {r} = result, {p} = place ----
  static final List<String> PRAISE =
      List.of("Great {e} video, thanks Jo!", "Loved the {e} video, so clear and calm.",
          "This {e} tutorial is so helpful.", "Best {e} explanation on YouTube.",
          "Been watching for years and the {e} series is my favourite.",
          "Wow, that {e} result looks amazing 😍", "Really enjoyed this one, the {e} part was perfect.",
          "the {e} tips at the end were gold", "Such a relaxing {e} video ❤️");
  static final List<String> PRAISE_REPLY =
      List.of("So glad you enjoyed the {e} video.", "That means a lot, more {e} videos soon.",
          "Glad the {e} tutorial helped.", "Happy you liked the {e} part.");
  static final List<String> STORY =
      List.of("I tried your {e} tips and {r}!", "Followed your {e} video step by step and {r}.",
          "Update: used the {e} trick from last week and {r}.",
          "tried the {e} thing yesterday and {r} 🙌");
  static final List<String> STORY_REPLY =
      List.of("So happy the {e} tips worked for you.", "That made my day, well done with the {e}.",
          "Love hearing that, thanks for the {e} update.");
  static final List<String> SUGGEST =
      List.of("Please do a video on {e} next!", "Would love a {e} video for beginners.",
          "You should do more {e} content.", "More {e} videos please!");
  static final List<String> SUGGEST_REPLY =
      List.of("A {e} video is on my list.", "Great idea, more {e} is coming soon.");
  static final List<String> REQUEST_Q =
      List.of("Can you make a {e} video for beginners?", "Will you do more {e} videos?",
          "When is the next {e} video?");
  static final List<String> REQUEST_A =
      List.of("A beginner {e} video is on my list.", "Yes, more {e} videos are coming soon.",
          "The next {e} video comes out next week.");
  static final List<String> GREETING =
      List.of("First!", "Early today!", "Hello from {p}!", "Watching from {p} 👋", "Nice.",
          "Love this channel.", "Who else is watching from {p}?");
  static final List<String> RUDE =
      List.of("This {e} video was so boring.", "Worst {e} tutorial ever, total waste of time.",
          "Honestly this is trash, the {e} part made no sense.", "Your {e} looked awful lol.",
          "Stupid way to do {e}, nobody does it like that.",
          "Unsubscribed. This {e} stuff is useless.", "So lame, I want my ten minutes of {e} back.",
          "THIS IS GARBAGE", "i hate this {e} video", "dumb video tbh");
  static final List<String> RUDE_REPLY =
      List.of("Sorry it missed the mark; I'll make the next {e} video clearer.",
          "Sorry it wasn't for you; I'll keep working on the {e} videos.",
          "Sorry about that, I'll explain {e} better next time.",
          "Fair point, I'll tighten up the next {e} video.");
  static final List<String> SPAM =
      List.of("Check out my channel for daily {t} tips!!", "Sub to my channel and I'll sub back 🙏",
          "Crypto giveaway today only at www.easy-coins.com",
          "Earn $500 a day from home, DM me for details.",
          "Free gift for the first 100 people: http://bit.ly/gift{n}",
          "Use promo code JO{n} at www.cheap-deals.com", "DM me to grow your channel fast 📈");

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "datasets/youtube-replies");
    Random rnd = new Random(SEED);
    List<String[]> train = generate(rnd, TRAIN, TRAIN_NAMES);
    List<String[]> valid = generate(rnd, VALID, VALID_NAMES);
    Files.createDirectories(out);
    write(out.resolve("train.jsonl"), train);
    write(out.resolve("valid.jsonl"), valid);
    System.out.printf("wrote %d train and %d valid pairs to %s%n", TRAIN, VALID, out);
  }

  /** n pairs with distinct comments, commenters named from {@code names}. */
  static List<String[]> generate(Random rnd, int n, List<String> names) {
    Map<String, String[]> unique = new LinkedHashMap<>(); // comment -> {comment, reply}
    int attempts = 0;
    while (unique.size() < n) {
      if (++attempts > 200_000) {
        throw new IllegalStateException("could not reach " + n + " unique comments");
      }
      String[] pair = next(rnd, names);
      check(pair[0], pair[1]);
      unique.putIfAbsent(pair[0], pair);
    }
    return new ArrayList<>(unique.values());
  }

  static String[] next(Random rnd, List<String> names) {
    Entity ent = pick(rnd, ENTITIES);
    String e = ent.name();
    String h = handle(rnd, names);
    double u = rnd.nextDouble();
    String comment;
    String reply;
    if (u < 0.08) { // spam: the fixed reply, no name, no sign-off
      if (rnd.nextBoolean()) {
        h = pick(rnd, names == TRAIN_NAMES ? SPAM_HANDLES.subList(0, 5) : SPAM_HANDLES.subList(5, 9));
      }
      comment = fill(pick(rnd, SPAM), e, ent.topic(), rnd);
      reply = SPAM_REPLY;
      return new String[] {"@" + h + ": " + comment, reply};
    } else if (u < 0.36) { // question about a fact
      Qa qa = pick(rnd, ent.facts());
      comment = question(rnd, qa.q());
      reply = thanks(h) + " Good question: " + qa.a();
    } else if (u < 0.44) { // request phrased as a question
      int i = rnd.nextInt(REQUEST_Q.size());
      comment = question(rnd, fill(REQUEST_Q.get(i), e, null, rnd));
      reply = thanks(h) + " Good question: " + fill(REQUEST_A.get(i), e, null, rnd);
    } else if (u < 0.54) { // rude, no question
      comment = fill(pick(rnd, RUDE), e, null, rnd);
      // a reply may only name what the comment names: entity-free insults get the generic apology
      reply =
          feedback(h)
              + " "
              + (comment.toLowerCase(Locale.ROOT).contains(e.toLowerCase(Locale.ROOT))
                  ? fill(pick(rnd, RUDE_REPLY), e, null, rnd)
                  : "Sorry it missed the mark; I'll keep improving.");
    } else if (u < 0.60) { // rude and a question: calm, then answer
      Qa qa = pick(rnd, ent.facts());
      comment = pick(rnd, RUDE_OPENERS) + " Anyway, " + lowerFirst(qa.q());
      reply = feedback(h) + " Good question: " + qa.a();
    } else if (u < 0.78) {
      comment = maybePreface(rnd, fill(pick(rnd, PRAISE), e, null, rnd));
      reply = thanks(h) + " " + fill(pick(rnd, PRAISE_REPLY), e, null, rnd);
    } else if (u < 0.87) {
      String r = pick(rnd, RESULTS.get(ent.topic()));
      comment = maybePreface(rnd, fill(pick(rnd, STORY), e, null, rnd).replace("{r}", r));
      reply = thanks(h) + " " + fill(pick(rnd, STORY_REPLY), e, null, rnd);
    } else if (u < 0.94) {
      comment = fill(pick(rnd, SUGGEST), e, null, rnd);
      reply = thanks(h) + " " + upperFirst(fill(pick(rnd, SUGGEST_REPLY), e, null, rnd));
    } else {
      String p = pick(rnd, PLACES);
      String g = pick(rnd, GREETING).replace("{p}", p);
      comment = g;
      if (g.endsWith("?")) {
        reply = thanks(h) + " Good question: lots of you from " + p + " are here.";
      } else if (g.contains(p)) {
        reply = thanks(h) + " Hello to everyone in " + p + ".";
      } else {
        reply = thanks(h) + " Great to have you here.";
      }
    }
    if (rnd.nextDouble() < 0.08) comment = comment.toLowerCase(Locale.ROOT);
    return new String[] {"@" + h + ": " + comment, reply + " " + SIGN_OFF};
  }

  static String kind(String reply) {
    if (reply.equals(SPAM_REPLY)) return "spam";
    if (reply.startsWith("Thanks for the feedback")) return "rude";
    return reply.contains(" Good question: ") ? "question" : "other";
  }

  static String question(Random rnd, String q) {
    String opener = pick(rnd, QUESTION_OPENERS);
    String body = opener.isEmpty() ? q : opener + lowerFirst(q);
    return maybePreface(rnd, body);
  }

  static String maybePreface(Random rnd, String body) {
    return rnd.nextDouble() < 0.25 ? pick(rnd, PREFACES) + " " + body : body;
  }

  static String thanks(String h) {
    return "Thanks, @" + h + "!";
  }

  static String feedback(String h) {
    return "Thanks for the feedback, @" + h + ".";
  }

  static String fill(String template, String e, String topic, Random rnd) {
    String s = template.replace("{e}", e);
    if (topic != null) s = s.replace("{t}", topic);
    if (s.contains("{n}")) s = s.replace("{n}", Integer.toString(10 + rnd.nextInt(90)));
    if (s.startsWith(e)) s = upperFirst(s);
    return s;
  }

  static String lowerFirst(String s) {
    // keep proper nouns (Python, Git, ...) capitalised
    String first = s.split(" ", 2)[0];
    boolean proper = ENTITIES.stream().anyMatch(x -> x.name().equals(first));
    return proper ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  static String upperFirst(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  static <T> T pick(Random rnd, List<T> list) {
    return list.get(rnd.nextInt(list.size()));
  }

  // ---- self-check: the same detectors and rules as dev.cura.cli.demo.VoiceRules ----
  static int words(String s) {
    return s.isBlank() ? 0 : s.trim().split("\\s+").length;
  }

  static boolean isSpam(String body) {
    String c = body.toLowerCase(Locale.ROOT);
    return SPAM_MARKERS.stream().anyMatch(c::contains);
  }

  static boolean isRude(String text) {
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
      if (RUDE_WORDS.contains(w)) return true;
    }
    return false;
  }

  static void check(String comment, String reply) {
    String body = comment.substring(comment.indexOf(": ") + 2);
    String handle = comment.substring(0, comment.indexOf(": "));
    if (words(body) > MAX_COMMENT_WORDS) fail("comment too long", comment, reply);
    if (words(reply) > MAX_REPLY_WORDS) fail("reply too long", comment, reply);
    if (isSpam(body) != reply.equals(SPAM_REPLY)) fail("spam detector disagrees", comment, reply);
    if (isSpam(body)) return;
    if (isRude(reply)) fail("rude word in reply", comment, reply);
    String greeting = isRude(body) ? "Thanks for the feedback, " + handle + "." : "Thanks, " + handle + "!";
    if (!reply.startsWith(greeting)) fail("greeting", comment, reply);
    if (!reply.endsWith(" " + SIGN_OFF)) fail("sign-off", comment, reply);
    if (body.contains("?") != reply.contains(" Good question: ")) fail("question", comment, reply);
    if (reply.chars().filter(ch -> ch == '!').count() > 1) fail("more than one '!'", comment, reply);
  }

  static void fail(String what, String comment, String reply) {
    throw new IllegalStateException(what + ": " + comment + " -> " + reply);
  }

  static void write(Path file, List<String[]> pairs) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String[] p : pairs) {
      sb.append("{\"messages\":[{\"role\":\"user\",\"content\":").append(json(p[0]))
          .append("},{\"role\":\"assistant\",\"content\":").append(json(p[1])).append("}]}\n");
    }
    Files.writeString(file, sb, StandardCharsets.UTF_8);
  }

  static String json(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }
}
