// mapFile(fd, length): the first `length` bytes of an open file as an
// ArrayBuffer backed by a private mapping (MAP_PRIVATE, read and write: a
// stray write copies its page and never reaches the file). The mapping is
// released when the ArrayBuffer is garbage collected. Reading such a buffer
// costs page-cache hits, where reading the file into fresh memory costs a
// page fault per 4 KiB of newly backed memory.
#include <node_api.h>
#include <sys/mman.h>
#include <errno.h>
#include <string.h>
#include <stdint.h>

static void unmap(napi_env env, void* data, void* hint) {
  (void)env;
  munmap(data, (size_t)(uintptr_t)hint);
}

static napi_value map_file(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) {
    napi_throw_type_error(env, NULL, "mapFile(fd, length)");
    return NULL;
  }
  int32_t fd;
  double length;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_double(env, argv[1], &length) != napi_ok || length < 1 || length > 9007199254740991.0) {
    napi_throw_type_error(env, NULL, "mapFile: fd must be a number and length a positive number");
    return NULL;
  }
  size_t len = (size_t)length;
  void* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) {
    napi_throw_error(env, NULL, strerror(errno));
    return NULL;
  }
  napi_value ab;
  if (napi_create_external_arraybuffer(env, p, len, unmap, (void*)(uintptr_t)len, &ab) != napi_ok) {
    munmap(p, len);
    napi_throw_error(env, NULL, "mapFile: external ArrayBuffers are not supported here");
    return NULL;
  }
  return ab;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "mapFile", NAPI_AUTO_LENGTH, map_file, NULL, &fn);
  napi_set_named_property(env, exports, "mapFile", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
