/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control plane <-> worker message rings (dp_msg.h) over a real EAL
 * (--no-huge, no ports): alloc/free, both directions across threads,
 * a full ring refuses without taking the message, an empty pool says NULL.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <ftw.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

#include "dp_msg.h"

#define N_WORKERS  2
#define RING_SIZE  8
#define PER_THREAD 1000   /* messages each producer thread sends */
#define MAX_MSGS   (RING_SIZE * (N_WORKERS + 1))

#define NFTW_OPEN_FDS 16  /* directory fds nftw may keep open */

static char runtime_dir[PATH_MAX];

/*
 * EAL leaves its runtime directory (/var/run/dpdk/PREFIX) behind; a test
 * run with a per-PID prefix would litter one per run. Remove it after
 * rte_eal_cleanup.
 */
static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_runtime_dir(const char *dir)
{
	if (dir[0] != '\0')
		(void)nftw(dir, rm_entry, NFTW_OPEN_FDS, FTW_DEPTH | FTW_PHYS);
}

static int group_setup(void **state)
{
	char prefix[64];

	(void)state;
	snprintf(prefix, sizeof(prefix), "--file-prefix=test_dp_msg_%d", (int)getpid());
	char *argv[] = { "test_dp_msg", "--no-huge", "--no-pci", "-m", "64", prefix, "-l", "0",
			 "--log-level=lib.eal:error", NULL };
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0)
		return -1;
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	return dp_msg_init(N_WORKERS, RING_SIZE);
}

static int group_teardown(void **state)
{
	(void)state;
	dp_msg_fini();
	rte_eal_cleanup();
	remove_runtime_dir(runtime_dir);
	return 0;
}

static void test_alloc_free_zeroed(void **state)
{
	(void)state;
	struct dp_msg *m = dp_msg_alloc();
	assert_non_null(m);
	m->type = DP_MSG_EVENT;
	m->session_id = 42;
	dp_msg_free(m);
	/* No cache: the same object comes back, and it must come back zeroed. */
	m = dp_msg_alloc();
	assert_non_null(m);
	assert_int_equal(m->type, 0);
	assert_int_equal(m->session_id, 0);
	dp_msg_free(m);
	dp_msg_free(NULL);  /* harmless */
}

static void test_cp_to_worker(void **state)
{
	struct dp_msg *got[4];

	(void)state;
	struct dp_msg *m = dp_msg_alloc();
	assert_non_null(m);
	m->type = DP_MSG_SESSION_REMOVE;
	m->session_id = 7;
	assert_int_equal(dp_msg_to_worker(1, m), 0);
	assert_int_equal(dp_msg_for_worker(0, got, 4), 0);  /* not worker 0's */
	assert_int_equal(dp_msg_for_worker(1, got, 4), 1);
	assert_ptr_equal(got[0], m);
	assert_int_equal(got[0]->session_id, 7);
	dp_msg_free(got[0]);
	/* Out-of-range worker: refused, message still the caller's. */
	m = dp_msg_alloc();
	assert_int_equal(dp_msg_to_worker(N_WORKERS, m), -1);
	assert_int_equal(dp_msg_for_worker(N_WORKERS, got, 4), 0);
	dp_msg_free(m);
}

/* Producers: workers sending events to the control plane at once (MP ring). */
static void *producer(void *arg)
{
	uintptr_t id = (uintptr_t)arg;

	for (unsigned int i = 0; i < PER_THREAD; i++) {
		struct dp_msg *m;
		while ((m = dp_msg_alloc()) == NULL)
			sched_yield();  /* pool momentarily empty: the consumer is behind */
		m->type = DP_MSG_EVENT;
		m->u.event.kind = DP_EVENT_PEER_ACTIVITY;
		m->u.event.arg = (id << 32) | i;
		while (dp_msg_to_cp(m) != 0)
			sched_yield();  /* ring full: retry */
	}
	return NULL;
}

static void test_workers_to_cp_threads(void **state)
{
	pthread_t t[N_WORKERS];
	unsigned int next[N_WORKERS] = { 0 };
	unsigned int total = 0;
	struct dp_msg *got[RING_SIZE];

	(void)state;
	for (uintptr_t i = 0; i < N_WORKERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, producer, (void *)i), 0);
	while (total < N_WORKERS * PER_THREAD) {
		unsigned int n = dp_msg_from_workers(got, RING_SIZE);
		if (n == 0)
			sched_yield();
		for (unsigned int k = 0; k < n; k++) {
			unsigned int id = (unsigned int)(got[k]->u.event.arg >> 32);
			unsigned int seq = (unsigned int)(got[k]->u.event.arg & UINT32_MAX);
			assert_true(id < N_WORKERS);
			/* Each producer's messages arrive in its order. */
			assert_int_equal(seq, next[id]);
			next[id]++;
			dp_msg_free(got[k]);
		}
		total += n;
	}
	for (unsigned int i = 0; i < N_WORKERS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(dp_msg_from_workers(got, RING_SIZE), 0);
}

/* Consumer: a worker thread taking what the control plane sends it (SP/SC ring). */
static void *consumer(void *arg)
{
	unsigned int *sum = arg;
	struct dp_msg *got[RING_SIZE];
	unsigned int seen = 0;

	while (seen < PER_THREAD) {
		unsigned int n = dp_msg_for_worker(0, got, RING_SIZE);
		if (n == 0)
			sched_yield();
		for (unsigned int k = 0; k < n; k++) {
			*sum += got[k]->session_id;
			dp_msg_free(got[k]);
		}
		seen += n;
	}
	return NULL;
}

static void test_cp_to_worker_thread(void **state)
{
	pthread_t t;
	unsigned int sum = 0, want = 0;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, consumer, &sum), 0);
	for (unsigned int i = 0; i < PER_THREAD; i++) {
		struct dp_msg *m;
		while ((m = dp_msg_alloc()) == NULL)
			sched_yield();
		m->type = DP_MSG_SESSION_KEYS;
		m->session_id = i;
		want += i;
		while (dp_msg_to_worker(0, m) != 0)
			sched_yield();
	}
	pthread_join(t, NULL);
	assert_int_equal(sum, want);
}

static void test_ring_full(void **state)
{
	struct dp_msg *m[RING_SIZE + 1];
	struct dp_msg *got[RING_SIZE + 1];

	(void)state;
	for (unsigned int i = 0; i <= RING_SIZE; i++) {
		m[i] = dp_msg_alloc();
		assert_non_null(m[i]);
		m[i]->session_id = i;
	}
	for (unsigned int i = 0; i < RING_SIZE; i++)
		assert_int_equal(dp_msg_to_worker(0, m[i]), 0);
	/* Full: refused, and the message is still ours to retry or free. */
	assert_int_equal(dp_msg_to_worker(0, m[RING_SIZE]), -1);
	assert_int_equal(dp_msg_for_worker(0, got, RING_SIZE + 1), RING_SIZE);
	for (unsigned int i = 0; i < RING_SIZE; i++) {
		assert_ptr_equal(got[i], m[i]);
		dp_msg_free(got[i]);
	}
	assert_int_equal(dp_msg_to_worker(0, m[RING_SIZE]), 0);
	assert_int_equal(dp_msg_for_worker(0, got, 1), 1);
	dp_msg_free(got[0]);

	/* Same for the shared ring to the control plane. */
	for (unsigned int i = 0; i <= RING_SIZE; i++)
		m[i] = dp_msg_alloc();
	for (unsigned int i = 0; i < RING_SIZE; i++)
		assert_int_equal(dp_msg_to_cp(m[i]), 0);
	assert_int_equal(dp_msg_to_cp(m[RING_SIZE]), -1);
	dp_msg_free(m[RING_SIZE]);
	assert_int_equal(dp_msg_from_workers(got, RING_SIZE + 1), RING_SIZE);
	for (unsigned int i = 0; i < RING_SIZE; i++)
		dp_msg_free(got[i]);
}

static void test_pool_exhaustion(void **state)
{
	struct dp_msg *m[MAX_MSGS + 1];
	unsigned int n = 0;

	(void)state;
	assert_int_equal(dp_msg_pool_capacity(), MAX_MSGS);
	while (n <= MAX_MSGS && (m[n] = dp_msg_alloc()) != NULL)
		n++;
	assert_int_equal(n, MAX_MSGS);
	assert_null(dp_msg_alloc());
	dp_msg_free(m[0]);
	m[0] = dp_msg_alloc();
	assert_non_null(m[0]);
	for (unsigned int i = 0; i < n; i++)
		dp_msg_free(m[i]);
}

/* Teardown returns queued messages and the frames PPP messages carry. */
static void test_fini_frees_queued_frames(void **state)
{
	(void)state;
	struct rte_mempool *mp = rte_pktmbuf_pool_create("test_frames", 63, 0, 0,
							 RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	assert_non_null(mp);
	struct dp_msg *m = dp_msg_alloc();
	m->type = DP_MSG_PPP_CTRL_OUT;
	m->u.frame = rte_pktmbuf_alloc(mp);
	assert_non_null(m->u.frame);
	assert_int_equal(dp_msg_to_worker(1, m), 0);
	m = dp_msg_alloc();
	m->type = DP_MSG_PPP_CTRL_IN;
	m->u.frame = rte_pktmbuf_alloc(mp);
	assert_int_equal(dp_msg_to_cp(m), 0);
	assert_int_equal(rte_mempool_avail_count(mp), 61);
	dp_msg_fini();
	assert_int_equal(rte_mempool_avail_count(mp), 63);
	rte_mempool_free(mp);
	/* Re-create for the group teardown (and to prove init after fini works). */
	assert_int_equal(dp_msg_init(N_WORKERS, RING_SIZE), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_free_zeroed),
		cmocka_unit_test(test_cp_to_worker),
		cmocka_unit_test(test_workers_to_cp_threads),
		cmocka_unit_test(test_cp_to_worker_thread),
		cmocka_unit_test(test_ring_full),
		cmocka_unit_test(test_pool_exhaustion),
		cmocka_unit_test(test_fini_frees_queued_frames),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
