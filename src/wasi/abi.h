// The wasi_snapshot_preview1 ABI: constants and struct layouts (offsets in guest memory) as
// the witx defines them. Shared by the host functions and their tests.
#pragma once
#include <cstdint>

namespace wws::wasi::abi {

// filetype (u8)
inline constexpr uint8_t kFiletypeUnknown = 0, kFiletypeBlockDevice = 1, kFiletypeCharacterDevice = 2,
                         kFiletypeDirectory = 3, kFiletypeRegularFile = 4, kFiletypeSocketDgram = 5,
                         kFiletypeSocketStream = 6, kFiletypeSymbolicLink = 7;

// fdflags (u16)
inline constexpr uint16_t kFdflagAppend = 1, kFdflagDsync = 2, kFdflagNonblock = 4, kFdflagRsync = 8, kFdflagSync = 16;
// oflags (u16)
inline constexpr uint16_t kOflagCreat = 1, kOflagDirectory = 2, kOflagExcl = 4, kOflagTrunc = 8;
// lookupflags (u32)
inline constexpr uint32_t kLookupSymlinkFollow = 1;
// fstflags (u16)
inline constexpr uint16_t kFstAtim = 1, kFstAtimNow = 2, kFstMtim = 4, kFstMtimNow = 8;
// whence (u8)
inline constexpr uint8_t kWhenceSet = 0, kWhenceCur = 1, kWhenceEnd = 2;
// clockid (u32)
inline constexpr uint32_t kClockRealtime = 0, kClockMonotonic = 1, kClockProcessCputime = 2, kClockThreadCputime = 3;
// advice (u8)
inline constexpr uint8_t kAdviceNormal = 0, kAdviceSequential = 1, kAdviceRandom = 2, kAdviceWillNeed = 3,
                         kAdviceDontNeed = 4, kAdviceNoReuse = 5;
// eventtype (u8), subclockflags (u16), eventrwflags (u16)
inline constexpr uint8_t kEventClock = 0, kEventFdRead = 1, kEventFdWrite = 2;
inline constexpr uint16_t kSubscriptionClockAbstime = 1;
inline constexpr uint16_t kEventFdReadwriteHangup = 1;
// preopentype (u8)
inline constexpr uint8_t kPreopenDir = 0;

// rights (u64)
inline constexpr uint64_t kRightFdDatasync = 1ull << 0, kRightFdRead = 1ull << 1, kRightFdSeek = 1ull << 2,
                          kRightFdFdstatSetFlags = 1ull << 3, kRightFdSync = 1ull << 4, kRightFdTell = 1ull << 5,
                          kRightFdWrite = 1ull << 6, kRightFdAdvise = 1ull << 7, kRightFdAllocate = 1ull << 8,
                          kRightPathCreateDirectory = 1ull << 9, kRightPathCreateFile = 1ull << 10,
                          kRightPathLinkSource = 1ull << 11, kRightPathLinkTarget = 1ull << 12,
                          kRightPathOpen = 1ull << 13, kRightFdReaddir = 1ull << 14, kRightPathReadlink = 1ull << 15,
                          kRightPathRenameSource = 1ull << 16, kRightPathRenameTarget = 1ull << 17,
                          kRightPathFilestatGet = 1ull << 18, kRightPathFilestatSetSize = 1ull << 19,
                          kRightPathFilestatSetTimes = 1ull << 20, kRightFdFilestatGet = 1ull << 21,
                          kRightFdFilestatSetSize = 1ull << 22, kRightFdFilestatSetTimes = 1ull << 23,
                          kRightPathSymlink = 1ull << 24, kRightPathRemoveDirectory = 1ull << 25,
                          kRightPathUnlinkFile = 1ull << 26, kRightPollFdReadwrite = 1ull << 27,
                          kRightSockShutdown = 1ull << 28, kRightSockAccept = 1ull << 29;
inline constexpr uint64_t kRightsAll = (1ull << 30) - 1;
// Rights that make path_open ask the host for write access (as wasmtime decides it).
inline constexpr uint64_t kRightsNeedingWrite = kRightFdWrite | kRightFdAllocate | kRightFdFilestatSetSize;
inline constexpr uint64_t kRightsNeedingRead = kRightFdRead | kRightFdReaddir;

// struct iovec / ciovec { u32 buf; u32 buf_len; }
inline constexpr uint64_t kIovecSize = 8;
// struct fdstat
inline constexpr uint64_t kFdstatSize = 24, kFdstatFiletype = 0, kFdstatFlags = 2, kFdstatRightsBase = 8,
                          kFdstatRightsInheriting = 16;
// struct filestat
inline constexpr uint64_t kFilestatSize = 64, kFilestatDev = 0, kFilestatIno = 8, kFilestatFiletype = 16,
                          kFilestatNlink = 24, kFilestatSize_ = 32, kFilestatAtim = 40, kFilestatMtim = 48,
                          kFilestatCtim = 56;
// struct dirent (followed by the name, not NUL-terminated)
inline constexpr uint64_t kDirentSize = 24, kDirentNext = 0, kDirentIno = 8, kDirentNamlen = 16, kDirentType = 20;
// struct prestat { u8 tag; u32 pr_name_len @4 }
inline constexpr uint64_t kPrestatSize = 8, kPrestatNameLen = 4;
// struct subscription
inline constexpr uint64_t kSubscriptionSize = 48, kSubUserdata = 0, kSubTag = 8, kSubClockId = 16,
                          kSubClockTimeout = 24, kSubClockPrecision = 32, kSubClockFlags = 40, kSubFdReadwriteFd = 16;
// struct event
inline constexpr uint64_t kEventSize = 32, kEventUserdata = 0, kEventError = 8, kEventType = 10, kEventNbytes = 16,
                          kEventFlags = 24;

}  // namespace wws::wasi::abi
