/* The safetensors file format (https://github.com/huggingface/safetensors), read and written.
 *
 * Layout: u64 little-endian N | N bytes of UTF-8 JSON header | data section.
 * Header: {"name": {"dtype": "F32", "shape": [2,3], "data_offsets": [begin, end]}, ...,
 *          "__metadata__": {"key": "string value", ...}}
 * Offsets are relative to the start of the data section; data is little-endian, row-major.
 * The header may be padded with spaces (we pad it so the data section is 8-byte aligned).
 *
 * Reading: st_open() reads the whole file and validates everything before returning 0; any defect
 * gives -1 and a one-line mg_error "<path>: <what is wrong>".  Tensors of dtype F32, F16, BF16, F64
 * and the integer/bool dtypes are accepted and converted to float by st_read_f32(); other dtypes
 * (F8_*) are rejected when the file is opened.  Gaps between tensors are tolerated; overlaps are not.
 *
 * Writing: collect entries in an StWriter (the data pointers are borrowed until st_write), then
 * st_write() writes "<path>.tmp.XXXXXX" in the same directory, fsyncs and renames it over <path>:
 * the previous file stays intact until the new one is complete.  Only F32 is written. */
#ifndef MG_SAFETENSORS_H
#define MG_SAFETENSORS_H
#include <stddef.h>
#include <stdint.h>

#define ST_MAXDIM 8                     /* most dimensions accepted in a file */
#define ST_MAX_HEADER (100u << 20)      /* header length limit (the reference implementation's) */

typedef enum { ST_F32, ST_F16, ST_BF16, ST_F64, ST_I64, ST_I32, ST_I16, ST_I8,
               ST_U64, ST_U32, ST_U16, ST_U8, ST_BOOL } StDtype;

typedef struct StTensor {
    char *name;
    StDtype dtype;                      /* as stored in the file */
    int ndim;
    int64_t shape[ST_MAXDIM];
    size_t numel;                       /* product of shape (1 for ndim 0) */
    const unsigned char *raw;           /* numel * st_dtype_size(dtype) bytes inside StFile.buf */
    size_t nbytes;
} StTensor;

typedef struct StFile {
    char *path;                         /* for messages */
    unsigned char *buf;                 /* the whole file */
    size_t size;
    int n;                              /* tensors, in header order */
    StTensor *t;
    int nmeta;                          /* __metadata__ pairs, in header order */
    char **meta_key, **meta_val;
} StFile;

/* --- reading --- */
int st_open(const char *path, StFile *f);                       /* 0, or -1 + mg_error */
/* Same on a buffer already in memory (copied); `name` stands for the path in messages. */
int st_parse(const char *name, const void *data, size_t size, StFile *f);
void st_close(StFile *f);                                       /* safe on a zeroed StFile */
const StTensor *st_find(const StFile *f, const char *name);     /* NULL when absent */
const char *st_meta(const StFile *f, const char *key);          /* NULL when absent */
/* Converts a tensor's values to float into out[numel]. */
void st_read_f32(const StTensor *t, float *out);
const char *st_dtype_name(StDtype d);
size_t st_dtype_size(StDtype d);
const char *st_shape_str(const StTensor *t);                    /* "[2,3]", rotating static buffer */

/* --- writing --- */
typedef struct StEntry {
    char *name;
    int ndim;
    int64_t shape[ST_MAXDIM];
    const float *data;                  /* borrowed: numel floats, valid until st_write */
} StEntry;

typedef struct StWriter {
    int n, cap;
    StEntry *e;
    int nmeta, metacap;
    char **meta_key, **meta_val;        /* owned copies */
} StWriter;

void st_writer_init(StWriter *w);
/* Adds a float32 tensor; name is copied, data is borrowed.  Duplicate names are fatal. */
void st_writer_add(StWriter *w, const char *name, int ndim, const int *shape, const float *data);
void st_writer_meta(StWriter *w, const char *key, const char *value);    /* copied; replaces */
int st_write(const StWriter *w, const char *path);              /* 0, or -1 + mg_error; atomic */
void st_writer_free(StWriter *w);
#endif
