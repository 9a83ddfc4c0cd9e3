#include "synth/synth_dataset.h"
#include "core/error.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int n_control(const SynthOptions *o) { return (o->n + 1) / 2; }

int synth_group_of(const SynthOptions *o, int i) { return i < n_control(o) ? GROUP_CONTROL : GROUP_TREATED; }

int synth_index_in_group(const SynthOptions *o, int i) { return i < n_control(o) ? i : i - n_control(o); }

void synth_file_name(const SynthOptions *o, int i, char *buf, size_t size) {
    const char *g = synth_group_of(o, i) == GROUP_CONTROL ? "control" : "treated";
    snprintf(buf, size, "%s/%s_%05d.png", g, g, synth_index_in_group(o, i));
}

static Rng image_rng(const SynthOptions *o, int i) { return rng_new(o->seed * 1000003ULL + (uint64_t)i + 1); }

int synth_make_image(const SynthOptions *o, int i, DiatomParams *p, Image *img) {
    const ImagingModel *im = &o->imaging;
    if (image_alloc(img, im->w, im->h, im->channels)) return -1;
    Rng r = image_rng(o, i);
    diatom_draw(&r, &o->model, im, synth_group_of(o, i), p);
    float *scratch = malloc(sizeof(float) * 4 * (size_t)im->w * im->h);
    if (!scratch) {
        image_free(img);
        return mg_error_set("synth: out of memory");
    }
    diatom_render(&r, p, im, img, scratch);
    free(scratch);
    return 0;
}

static int make_dir(const char *path) {
    if (mkdir(path, 0777) == 0 || errno == EEXIST) return 0;
    return mg_error_set("%s: cannot create folder (%s)", path, strerror(errno));
}

int synth_write_dataset(const SynthOptions *o, const char *outdir, DiatomParams *params) {
    const ImagingModel *im = &o->imaging;
    if (o->n < 1 || im->w < 1 || im->h < 1) return mg_error_set("synth: nothing to generate (n=%d, size %dx%d)", o->n, im->w, im->h);
    char path[4096];
    if (make_dir(outdir)) return -1;
    snprintf(path, sizeof path, "%s/control", outdir);
    if (make_dir(path)) return -1;
    snprintf(path, sizeof path, "%s/treated", outdir);
    if (make_dir(path)) return -1;
    int failed = 0;
    char first_err[1024] = "";
#pragma omp parallel
    {
        Image img;
        float *scratch = malloc(sizeof(float) * 4 * (size_t)im->w * im->h);
        int ok = scratch && image_alloc(&img, im->w, im->h, im->channels) == 0;
#pragma omp for schedule(dynamic, 16)
        for (int i = 0; i < o->n; i++) {
            if (!ok || failed) continue;
            Rng r = image_rng(o, i);
            diatom_draw(&r, &o->model, im, synth_group_of(o, i), &params[i]);
            diatom_render(&r, &params[i], im, &img, scratch);
            char name[64], file[4200];
            synth_file_name(o, i, name, sizeof name);
            snprintf(file, sizeof file, "%s/%s", outdir, name);
            if (image_write_png(file, &img)) {
#pragma omp critical(synth_err)
                {
                    if (!failed) snprintf(first_err, sizeof first_err, "%s", mg_error_get());
                    failed = 1;
                }
            }
        }
        if (!ok) {
#pragma omp critical(synth_err)
            {
                if (!failed) snprintf(first_err, sizeof first_err, "synth: out of memory");
                failed = 1;
            }
        }
        if (ok) image_free(&img);
        free(scratch);
    }
    if (failed) return mg_error_set("%s", first_err);
    snprintf(path, sizeof path, "%s/truth.csv", outdir);
    return synth_write_truth_csv(path, o, params);
}

int synth_write_truth_csv(const char *path, const SynthOptions *o, const DiatomParams *params) {
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return mg_error_set("%s: cannot write", tmp);
    fprintf(f, "file,group,length_px,width_px,bending,area_px,end_shape,asym_lateral,asym_apical,"
               "fib_density,stria_density,length_um,width_um,px_per_um,angle_deg,center_x,center_y,"
               "mirror,blur_px,noise,halo,gradient,n_debris\n");
    for (int i = 0; i < o->n; i++) {
        const DiatomParams *p = &params[i];
        char name[64];
        synth_file_name(o, i, name, sizeof name);
        fprintf(f, "%s,%s,%.4f,%.4f,%.5f,%.3f,%.4f,%.5f,%.5f,%.4f,%.4f,%.4f,%.4f,%.5f,%.3f,%.3f,%.3f,%d,%.4f,%.5f,%.4f,%.4f,%d\n",
                name, p->group == GROUP_CONTROL ? "control" : "treated", p->length_px, p->width_px, p->bending,
                p->area_px, p->end_shape, p->asym_lateral, p->asym_apical, p->fib_density, p->stria_density,
                p->length_px / p->px_per_um, p->width_px / p->px_per_um, p->px_per_um, p->angle_deg, p->cx, p->cy,
                p->mirror, p->blur_px, p->noise, p->halo, p->gradient, p->n_debris);
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return mg_error_set("%s: cannot write", path);
    }
    return 0;
}
