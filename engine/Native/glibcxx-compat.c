/*
 * glibcxx-compat: provides std::ios_base_library_init() for systems whose libstdc++
 * predates GCC 13 (e.g. Debian 12, GCC 12: no GLIBCXX_3.4.32).
 *
 * Built (and committed prebuilt as libglibcxx-compat.so, so machines without gcc work) with:
 *   gcc -shared -fPIC -O2 -s -Wl,-soname,libglibcxx-compat.so -o libglibcxx-compat.so glibcxx-compat.c
 *
 * Why: TorchSharp's libLibTorchSharp.so was built with GCC 13+. GCC 13's <iostream> emits an
 * undefined reference to std::ios_base_library_init() (versioned GLIBCXX_3.4.32) in every
 * translation unit that includes it, only to force libstdc++'s own iostream initialisation to
 * be linked in and run. Old libstdc++ initialises iostreams unconditionally, so the function
 * has nothing to do: a no-op definition is exactly right. TorchSharpGlibcxxFix.targets makes the
 * build output's copy of libLibTorchSharp.so need this library instead of GLIBCXX_3.4.32.
 */
void _ZSt21ios_base_library_initv(void) {}
