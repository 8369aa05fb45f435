#pragma once
/// \file
/// Symbol visibility. The library is built with hidden visibility; only
/// declarations marked CALLBOARD_EXPORT are part of the shared object's ABI.

#if defined(_WIN32)
#if defined(CALLBOARD_BUILDING_SHARED)
#define CALLBOARD_EXPORT __declspec(dllexport)
#elif defined(CALLBOARD_SHARED)
#define CALLBOARD_EXPORT __declspec(dllimport)
#else
#define CALLBOARD_EXPORT
#endif
#else
#define CALLBOARD_EXPORT __attribute__((visibility("default")))
#endif
