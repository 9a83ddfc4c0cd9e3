/* Awkward inputs give a flagged row, never a crash: empty, black, white, gradient-only and noise
 * images, a cell touching the border, two cells, tiny images. */
#include "core/rng.h"
#include "morpho/measure.h"
#include "synth/diatom.h"
#include "test.h"
#include <string.h>

static MorphoWork wk;

static int measure(const Image *img, Measures *m) {
    CHECK(morpho_measure_image(img, &wk, 10, m) == 0);
    return m->flag;
}

/* one synthetic 64x64 cell; cx, cy < 0 keep the drawn placement; rotation 0 when flat */
static void cell_image(Image *img, uint64_t seed, double cx, double cy, int flat, DiatomParams *p) {
    DiatomModel dm;
    ImagingModel im;
    diatom_model_default(&dm);
    imaging_model_default(&im, 64, 64, 1);
    im.debris_prob = 0;
    if (flat) im.max_rotation_deg = 0;
    Rng r = rng_new(seed);
    diatom_draw(&r, &dm, &im, GROUP_CONTROL, p);
    if (cx >= 0) p->cx = cx;
    if (cy >= 0) p->cy = cy;
    image_alloc(img, 64, 64, 1);
    float scratch[4 * 64 * 64];
    diatom_render(&r, p, &im, img, scratch);
}

static void fill(Image *img, int w, int h, int v) {
    image_alloc(img, w, h, 1);
    memset(img->px, v, (size_t)w * h);
}

TEST(a_normal_cell_is_measured) {
    Image img;
    DiatomParams p;
    Measures m;
    cell_image(&img, 5, -1, -1, 0, &p);
    CHECK(measure(&img, &m) == SEG_OK);
    CHECK_MSG(fabs(m.length / p.length_px - 1) < 0.08, "length %g vs %g", m.length, p.length_px);
    CHECK_MSG(fabs(m.width / p.width_px - 1) < 0.15, "width %g vs %g", m.width, p.width_px);
    CHECK_MSG(m.elongation > 4 && m.area > 0 && m.perimeter > 1.8 * m.length && m.perimeter < 2.6 * m.length, "elong %g area %g perim %g length %g", m.elongation, m.area, m.perimeter, m.length);
    CHECK_NEAR(m.efd[0][0], 1, 1e-9);
    image_free(&img);
}

TEST(empty_black_white_images_are_no_object) {
    Image img;
    Measures m;
    fill(&img, 64, 64, 0);
    CHECK(measure(&img, &m) == SEG_NO_OBJECT);
    image_free(&img);
    fill(&img, 64, 64, 255);
    CHECK(measure(&img, &m) == SEG_NO_OBJECT);
    image_free(&img);
    fill(&img, 64, 64, 200);                 /* background with sensor noise only */
    Rng r = rng_new(3);
    for (int i = 0; i < 64 * 64; i++) img.px[i] = (uint8_t)(200 + 6 * (rng_uniform1(&r) - 0.5));
    CHECK(measure(&img, &m) == SEG_NO_OBJECT);
    for (int y = 0; y < 64; y++)             /* strong smooth illumination gradient, no object */
        for (int x = 0; x < 64; x++) img.px[y * 64 + x] = (uint8_t)(120 + 1.5 * x + 0.01 * (x - 32) * (y - 32));
    CHECK(measure(&img, &m) == SEG_NO_OBJECT);
    CHECK(strcmp(seg_flag_name(m.flag), "no_object") == 0);
    image_free(&img);
}

TEST(pure_noise_is_flagged_not_crashing) {
    Image img;
    Measures m;
    fill(&img, 64, 64, 0);
    Rng r = rng_new(11);
    for (int i = 0; i < 64 * 64; i++) img.px[i] = (uint8_t)rng_below(&r, 256);
    int f = measure(&img, &m);
    CHECK(f != SEG_OK);
    image_free(&img);
}

TEST(cell_touching_the_border_is_flagged) {
    Image img;
    DiatomParams p;
    Measures m;
    cell_image(&img, 7, 8, 32, 1, &p);       /* centre 8 px from the left edge: the tip is cut off */
    CHECK_MSG(measure(&img, &m) == SEG_TOUCHES_BORDER, "flag %s", seg_flag_name(m.flag));
    image_free(&img);
}

TEST(two_cells_are_flagged) {
    Image a, b;
    DiatomParams p;
    Measures m;
    cell_image(&a, 8, 32, 17, 1, &p);
    cell_image(&b, 9, 32, 47, 1, &p);
    for (int i = 0; i < 64 * 64; i++) a.px[i] = a.px[i] < b.px[i] ? a.px[i] : b.px[i];   /* both cells */
    CHECK_MSG(measure(&a, &m) == SEG_MULTIPLE_OBJECTS, "flag %s", seg_flag_name(m.flag));
    image_free(&a);
    image_free(&b);
}

TEST(tiny_images_are_flagged) {
    Image img;
    Measures m;
    int sizes[][2] = {{1, 1}, {8, 8}, {3, 200}, {15, 64}};
    for (int k = 0; k < 4; k++) {
        fill(&img, sizes[k][0], sizes[k][1], 90);
        CHECK(measure(&img, &m) == SEG_IMAGE_TOO_SMALL);
        image_free(&img);
    }
    fill(&img, 16, 16, 200);                 /* big enough, but the object is a 2x2 speck */
    img.px[7 * 16 + 7] = img.px[7 * 16 + 8] = img.px[8 * 16 + 7] = img.px[8 * 16 + 8] = 20;
    int f = measure(&img, &m);
    CHECK_MSG(f == SEG_NO_OBJECT || f == SEG_OBJECT_TOO_SMALL, "flag %s", seg_flag_name(f));
    image_free(&img);
}

TEST(rgb_and_grey_give_the_same_flags) {
    Image g, c;
    DiatomParams p;
    Measures mg, mc;
    cell_image(&g, 12, -1, -1, 0, &p);
    image_alloc(&c, 64, 64, 3);
    for (int i = 0; i < 64 * 64; i++) c.px[3 * i] = c.px[3 * i + 1] = c.px[3 * i + 2] = g.px[i];
    CHECK(measure(&g, &mg) == SEG_OK && measure(&c, &mc) == SEG_OK);
    CHECK_NEAR(mg.length, mc.length, 0.02);
    image_free(&g);
    image_free(&c);
}

int main(void) {
    morpho_work_init(&wk);
    RUN(a_normal_cell_is_measured);
    RUN(empty_black_white_images_are_no_object);
    RUN(pure_noise_is_flagged_not_crashing);
    RUN(cell_touching_the_border_is_flagged);
    RUN(two_cells_are_flagged);
    RUN(tiny_images_are_flagged);
    RUN(rgb_and_grey_give_the_same_flags);
    morpho_work_free(&wk);
    return test_summary();
}
