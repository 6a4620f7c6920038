// Tests for project/glob: wax-style globs on '/'-separated relative paths.
#include <gtest/gtest.h>

#include <string>

#include "project/discovery.h"

namespace wws::project {
namespace {

TEST(ProjectGlob, EmptyPatternMatchesNothing) {
  EXPECT_FALSE(glob_match("", ""));
  EXPECT_FALSE(glob_match("", "a.js"));
}

TEST(ProjectGlob, Literals) {
  EXPECT_TRUE(glob_match("a.js", "a.js"));
  EXPECT_FALSE(glob_match("a.js", "b.js"));
  EXPECT_FALSE(glob_match("a.js", "a.jsx"));
  EXPECT_FALSE(glob_match("a", "a/b"));
  EXPECT_TRUE(glob_match("a\\*", "a*"));
  EXPECT_FALSE(glob_match("a\\*", "ab"));
}

TEST(ProjectGlob, StarStaysInOneSegment) {
  EXPECT_TRUE(glob_match("*.js", "index.js"));
  EXPECT_FALSE(glob_match("*.js", "api/index.js"));
  EXPECT_TRUE(glob_match("*/*pub*", "examples/public.js"));
  EXPECT_FALSE(glob_match("*/*pub*", "public.js"));
  EXPECT_FALSE(glob_match("*/*pub*", "a/b/public.js"));
  EXPECT_TRUE(glob_match("a*b*c", "aXbYc"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("a*", "a/b"));
}

TEST(ProjectGlob, QuestionMarkIsOneCharacterButNotASlash) {
  EXPECT_TRUE(glob_match("?.js", "a.js"));
  EXPECT_FALSE(glob_match("?.js", "ab.js"));
  EXPECT_FALSE(glob_match("a?b", "a/b"));
}

TEST(ProjectGlob, GlobstarTakesWholeSegments) {
  EXPECT_TRUE(glob_match("**/examples/**", "examples/index/index.js"));
  EXPECT_TRUE(glob_match("**/examples/**", "a/examples/b.js"));
  EXPECT_FALSE(glob_match("**/examples/**", "myexamples/b.js"));
  EXPECT_FALSE(glob_match("**/examples/**", "examples.js"));
  EXPECT_TRUE(glob_match("**/index/**", "examples/index/home.ext"));
  EXPECT_TRUE(glob_match("**/*.js", "a.js"));
  EXPECT_TRUE(glob_match("**/*.js", "a/b/c.js"));
  EXPECT_TRUE(glob_match("a/**/b.js", "a/b.js"));
  EXPECT_TRUE(glob_match("a/**/b.js", "a/x/y/b.js"));
  EXPECT_FALSE(glob_match("a/**/b.js", "ab.js"));
  EXPECT_TRUE(glob_match("**", "anything/at/all"));
  // Not a whole segment: behaves as `*`.
  EXPECT_TRUE(glob_match("a**", "abc"));
  EXPECT_FALSE(glob_match("a**", "a/b"));
}

TEST(ProjectGlob, Alternatives) {
  EXPECT_TRUE(glob_match("*.{js,wasm}", "a.js"));
  EXPECT_TRUE(glob_match("*.{js,wasm}", "a.wasm"));
  EXPECT_FALSE(glob_match("*.{js,wasm}", "a.py"));
  EXPECT_TRUE(glob_match("{a,b/c}/x", "b/c/x"));
  EXPECT_TRUE(glob_match("{a,{b,c}d}", "cd"));
  EXPECT_TRUE(glob_match("x{,y}", "x"));
  EXPECT_TRUE(glob_match("{**/tmp,cache}/**", "a/b/tmp/z.js"));
  EXPECT_TRUE(glob_match("{oops", "{oops"));  // unterminated: literal
}

TEST(ProjectGlob, CharacterClasses) {
  EXPECT_TRUE(glob_match("[a-c].js", "b.js"));
  EXPECT_FALSE(glob_match("[a-c].js", "d.js"));
  EXPECT_TRUE(glob_match("[!a-c].js", "d.js"));
  EXPECT_FALSE(glob_match("[!a-c].js", "a.js"));
  EXPECT_TRUE(glob_match("[^x]", "y"));
  EXPECT_TRUE(glob_match("[]]", "]"));
  EXPECT_TRUE(glob_match("[xyz]", "z"));
  EXPECT_FALSE(glob_match("a[!x]b", "a/b"));
  EXPECT_TRUE(glob_match("[oops", "[oops"));  // unterminated: literal
}

TEST(ProjectGlob, HostilePatternsDoNotCrash) {
  std::string long_path(5000, 'a');
  EXPECT_TRUE(glob_match("*", long_path));
  EXPECT_FALSE(glob_match("*b", long_path));
  EXPECT_FALSE(glob_match("[", "a"));
  EXPECT_FALSE(glob_match("\\", "a"));
  EXPECT_TRUE(glob_match("\\", "\\"));
  EXPECT_FALSE(glob_match("{", "a"));
  EXPECT_FALSE(glob_match("}", "a"));
  EXPECT_FALSE(glob_match("[a-", "a"));
  EXPECT_FALSE(glob_match("**/**/**/x", "a/b/c/d/e/f/g/h/i/j/k"));
}

}  // namespace
}  // namespace wws::project
