// A real wasi-libc (clang-14) guest that walks through what workers use from WASI: stdin, args,
// env, stdio, fopen/fread/fwrite, mkdir, rename, stat, opendir/readdir/telldir/seekdir, symlinks,
// hard links, utimensat, unlink, rmdir, sleeping, and the sandbox refusing escapes.
// Run it with args {"tour"}, env GREETING=hi, stdin "request-json" and an empty folder preopened
// at /data whose parent folder holds secret.txt; stdout must equal wasi_tour.expected, the exit
// code must be 7 and the folder must be empty again. Used to check an engine end to end. Build: clang-14
// --target=wasm32-wasi --sysroot=/usr -O2 -o t.wasm wasi_tour.c
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  char line[64];
  size_t n = fread(line, 1, sizeof line - 1, stdin);
  line[n] = 0;
  printf("stdin=%s argc=%d argv0=%s env=%s\n", line, argc, argv[0], getenv("GREETING"));

  FILE* f = fopen("/data/out.txt", "w");
  fprintf(f, "written by guest\n");
  fclose(f);
  f = fopen("/data/out.txt", "r");
  char buf[64] = {0};
  fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  printf("read back=%s", buf);

  printf("mkdir=%d\n", mkdir("/data/dir", 0755));
  printf("rename=%d\n", rename("/data/out.txt", "/data/dir/moved.txt"));
  struct stat st;
  printf("stat=%d size=%lld reg=%d\n", stat("/data/dir/moved.txt", &st), (long long)st.st_size, S_ISREG(st.st_mode));

  int fd = open("/data/dir/n.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, "0123456789", 10);
  char b[4] = {0};
  lseek(fd, 3, SEEK_SET);
  read(fd, b, 3);
  printf("lseek+read=%s ftruncate=%d ", b, ftruncate(fd, 4));
  fstat(fd, &st);
  printf("size=%lld\n", (long long)st.st_size);
  close(fd);

  printf("symlink=%d ", symlink("moved.txt", "/data/dir/link"));
  char target[32] = {0};
  printf("readlink=%zd:%s ", readlink("/data/dir/link", target, sizeof target - 1), target);
  printf("link=%d\n", link("/data/dir/moved.txt", "/data/dir/hard"));
  struct timespec times[2] = {{1000, 0}, {2000, 0}};
  utimensat(AT_FDCWD, "/data/dir/hard", times, 0);
  stat("/data/dir/moved.txt", &st);
  printf("mtime=%lld nlink=%d\n", (long long)st.st_mtim.tv_sec, (int)st.st_nlink);

  DIR* d = opendir("/data/dir");
  int count = 0;
  long pos = -1;
  while (readdir(d)) {
    if (++count == 2) pos = telldir(d);
  }
  seekdir(d, pos);
  int rest = 0;
  while (readdir(d)) rest++;
  closedir(d);
  printf("entries=%d after-seekdir=%d\n", count, rest);

  errno = 0;
  printf("escape-dotdot=%s ", fopen("/data/../secret.txt", "r") ? "OPENED" : strerror(errno));
  symlink("../secret.txt", "/data/esc");
  errno = 0;
  printf("escape-symlink=%s\n", fopen("/data/esc", "r") ? "OPENED" : strerror(errno));

  unlink("/data/dir/moved.txt");
  unlink("/data/dir/hard");
  unlink("/data/dir/link");
  unlink("/data/dir/n.bin");
  unlink("/data/esc");
  printf("rmdir=%d\n", rmdir("/data/dir"));

  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  usleep(15000);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  printf("slept=%s\n", ms >= 15 ? "yes" : "no");
  fprintf(stderr, "to stderr\n");
  return 7;
}
