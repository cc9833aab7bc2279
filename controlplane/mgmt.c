/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management unix socket (protocol in mgmt.h). Everything runs on the
 * control-plane loop and nothing blocks it: sockets are non-blocking, the
 * request is bounded (MGMT_REQUEST_MAX, enforced with the read high-water
 * mark), clients are bounded (MGMT_MAX_CLIENTS), and a client that stalls
 * is dropped by the bufferevent timeouts.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <jansson.h>

#include "cli_parse.h"
#include "config.h"
#include "cp.h"
#include "log.h"
#include "mgmt.h"

#define MGMT_BACKLOG 16
#define MGMT_SOCKET_MODE 0660
#define MGMT_DIR_MODE 0755
#define MGMT_ACCEPT_RETRY_SEC 1   /* after accept() failed (EMFILE...) */

/* Command sets, one per controlplane/cli_cmds_*.c (declared in cli_parse.h). */
static int (*const mgmt_command_sets[])(void) = {
	cli_cmds_system_register,
	cli_cmds_ppp_register,
	cli_cmds_ip_register,
	cli_cmds_pptp_register,
	cli_cmds_radius_register,
	cli_cmds_session_register,
};

struct mgmt_client {
	struct bufferevent *bev;
	struct mgmt_client *prev, *next;
	bool answered;
};

static struct {
	struct cp_context *cp;
	struct evconnlistener *listener;
	struct event *accept_retry;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	bool bound;                    /* path is our socket: remove it at fini */
	dev_t dev;
	ino_t ino;
	struct mgmt_client *clients;
	unsigned int n_clients;
} mgmt;

static void mgmt_client_close(struct mgmt_client *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		mgmt.clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	mgmt.n_clients--;
	/* Safe inside the bufferevent's own callbacks: libevent defers the
	 * actual teardown until its callbacks have returned. */
	bufferevent_free(c->bev);
	free(c);
}

static void mgmt_free_reference(const void *data, size_t len, void *extra)
{
	(void)len;
	(void)extra;
	free((void *)data);
}

static void mgmt_on_written(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		mgmt_client_close(arg);
}

static void mgmt_on_event(struct bufferevent *bev, short what, void *arg);

/* Queue the reply text (taking ownership) and close once it has drained. */
static void mgmt_send(struct mgmt_client *c, char *text)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct evbuffer *in = bufferevent_get_input(c->bev);

	c->answered = true;
	bufferevent_disable(c->bev, EV_READ);
	evbuffer_drain(in, evbuffer_get_length(in));
	bufferevent_setcb(c->bev, NULL, mgmt_on_written, mgmt_on_event, c);
	if (evbuffer_add_reference(out, text, strlen(text), mgmt_free_reference, NULL)) {
		free(text);
		goto fail;
	}
	if (evbuffer_add(out, "\n", 1) || bufferevent_enable(c->bev, EV_WRITE))
		goto fail;
	return;
fail:
	LOG_WARN(LOG_TOPIC_SYSTEM, "management reply could not be queued");
	mgmt_client_close(c);
}

static char *mgmt_reply_text(const struct cli_reply *r)
{
	static const char oom_reply[] = "{\"ok\": false, \"error\": \"not enough memory\"}";
	json_t *o = json_object();
	char *text = NULL;
	char *s = NULL;
	int bad = !o;

	if (bad)
		goto out;
	bad |= json_object_set_new(o, "ok", json_boolean(r->ok));
	if (r->ok && r->output) {
		s = strdup(r->output);
		bad |= !s;
		if (s) {
			cli_utf8_sanitize(s);
			bad |= json_object_set_new(o, "output", json_string(s));
		}
	}
	if (r->ok && r->data)
		bad |= json_object_set(o, "data", r->data);
	if (!r->ok) {
		s = strdup(r->error);
		bad |= !s;
		if (s) {
			cli_utf8_sanitize(s);
			bad |= json_object_set_new(o, "error", json_string(s));
		}
	}
	if (!bad)
		text = json_dumps(o, JSON_COMPACT);
out:
	free(s);
	json_decref(o);
	return text ? text : strdup(oom_reply);
}

static void mgmt_send_reply(struct mgmt_client *c, const struct cli_reply *r)
{
	char *text = mgmt_reply_text(r);

	if (text)
		mgmt_send(c, text);
	else
		mgmt_client_close(c);
}

static void mgmt_send_error(struct mgmt_client *c, const char *msg)
{
	struct cli_reply r = { .ok = false };

	snprintf(r.error, sizeof(r.error), "%s", msg);
	mgmt_send_reply(c, &r);
}

/* Parse the request (the first len bytes of the input) and answer it. */
static void mgmt_answer(struct mgmt_client *c, size_t len)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	const char *req = (const char *)evbuffer_pullup(in, (ssize_t)len);
	json_t *root = NULL, *cmd, *json_flag;
	struct cli_reply r;
	json_error_t jerr;
	char msg[CLI_ERR_MAX];

	if (!req && len > 0) {
		mgmt_send_error(c, "not enough memory");
		return;
	}
	root = json_loadb(req ? req : "", len, JSON_REJECT_DUPLICATES, &jerr);
	cmd = root ? json_object_get(root, "command") : NULL;
	json_flag = root ? json_object_get(root, "json") : NULL;
	if (!root || !json_is_object(root)) {
		snprintf(msg, sizeof(msg), "bad request: %s", root ? "not a JSON object" : jerr.text);
		mgmt_send_error(c, msg);
	} else if (!json_is_string(cmd) ||
		   strlen(json_string_value(cmd)) != json_string_length(cmd)) {
		mgmt_send_error(c, "bad request: \"command\" must be a string");
	} else if (json_flag && !json_is_boolean(json_flag)) {
		mgmt_send_error(c, "bad request: \"json\" must be true or false");
	} else {
		cli_execute(mgmt.cp, json_string_value(cmd), json_is_true(json_flag), &r);
		mgmt_send_reply(c, &r);
		cli_reply_clear(&r);
	}
	json_decref(root);
}

static void mgmt_on_read(struct bufferevent *bev, void *arg)
{
	struct mgmt_client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr eol = evbuffer_search(in, "\n", 1, NULL);
	char msg[64];

	if (eol.pos < 0 && evbuffer_get_length(in) <= MGMT_REQUEST_MAX)
		return;  /* wait for the rest */
	if (eol.pos < 0 || (size_t)eol.pos > MGMT_REQUEST_MAX) {
		snprintf(msg, sizeof(msg), "request too large (max %d bytes)", MGMT_REQUEST_MAX);
		mgmt_send_error(c, msg);
		return;
	}
	mgmt_answer(c, (size_t)eol.pos);
}

static void mgmt_on_event(struct bufferevent *bev, short what, void *arg)
{
	struct mgmt_client *c = arg;
	size_t pending = evbuffer_get_length(bufferevent_get_input(bev));

	/* A request without its newline, ended by the client's shutdown. */
	if ((what & BEV_EVENT_EOF) && (what & BEV_EVENT_READING) && !c->answered && pending) {
		if (pending > MGMT_REQUEST_MAX)
			mgmt_on_read(bev, arg);
		else
			mgmt_answer(c, pending);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		LOG_DEBUG(LOG_TOPIC_SYSTEM, "management client timed out");
	mgmt_client_close(c);
}

static void mgmt_on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
			   int socklen, void *arg)
{
	static const char busy[] = "{\"ok\":false,\"error\":\"too many management connections\"}\n";
	static const struct timeval read_tv = { .tv_sec = MGMT_READ_TIMEOUT_SEC };
	static const struct timeval write_tv = { .tv_sec = MGMT_WRITE_TIMEOUT_SEC };
	struct mgmt_client *c = NULL;

	(void)l;
	(void)sa;
	(void)socklen;
	(void)arg;
	if (mgmt.n_clients >= MGMT_MAX_CLIENTS) {
		/* Best effort, never blocks: the socket buffer takes this much. */
		if (send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			LOG_DEBUG(LOG_TOPIC_SYSTEM, "management busy reply not sent: %s",
				  strerror(errno));
		evutil_closesocket(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto fail;
	c->bev = bufferevent_socket_new(mgmt.cp->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev)
		goto fail;
	bufferevent_setcb(c->bev, mgmt_on_read, NULL, mgmt_on_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, MGMT_REQUEST_MAX + 1);
	bufferevent_set_timeouts(c->bev, &read_tv, &write_tv);
	if (bufferevent_enable(c->bev, EV_READ)) {
		bufferevent_free(c->bev);
		goto fail_fd_closed;
	}
	c->next = mgmt.clients;
	if (mgmt.clients)
		mgmt.clients->prev = c;
	mgmt.clients = c;
	mgmt.n_clients++;
	return;
fail:
	evutil_closesocket(fd);
fail_fd_closed:
	free(c);
	LOG_WARN(LOG_TOPIC_SYSTEM, "management connection dropped: not enough memory");
}

static void mgmt_on_accept_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (mgmt.listener)
		evconnlistener_enable(mgmt.listener);
}

/* accept() failed (EMFILE, ENFILE...): pause instead of spinning on it. */
static void mgmt_on_accept_error(struct evconnlistener *l, void *arg)
{
	static const struct timeval retry = { .tv_sec = MGMT_ACCEPT_RETRY_SEC };
	int err = EVUTIL_SOCKET_ERROR();

	(void)arg;
	LOG_WARN(LOG_TOPIC_SYSTEM, "management accept failed: %s", evutil_socket_error_to_string(err));
	evconnlistener_disable(l);
	if (mgmt.accept_retry)
		event_add(mgmt.accept_retry, &retry);
}

/* Create the missing parent directories of path (0755). */
static int mgmt_make_dirs(const char *path)
{
	char dir[sizeof(mgmt.path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		char saved = *p;

		if (saved != '/' && saved != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir, MGMT_DIR_MODE) == 0) {
			/* mkdir honours the umask; the CLI's group needs to get in. */
			if (chmod(dir, MGMT_DIR_MODE))
				LOG_WARN(LOG_TOPIC_SYSTEM, "chmod %s: %s", dir, strerror(errno));
		} else if (errno != EEXIST) {
			LOG_ERR(LOG_TOPIC_SYSTEM, "management socket directory %s: %s", dir,
				strerror(errno));
			return -1;
		}
		*p = saved;
		if (saved == '\0')
			return 0;
	}
}

/* Remove a socket left by a crashed run; refuse anything else at path. */
static int mgmt_remove_stale(const struct sockaddr_un *addr)
{
	struct stat st;
	int probe, rc;

	if (lstat(addr->sun_path, &st)) {
		if (errno == ENOENT)
			return 0;
		LOG_ERR(LOG_TOPIC_SYSTEM, "management socket %s: %s", addr->sun_path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "management socket %s: exists and is not a socket",
			addr->sun_path);
		return -1;
	}
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (probe < 0) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "socket: %s", strerror(errno));
		return -1;
	}
	rc = connect(probe, (const struct sockaddr *)addr, sizeof(*addr));
	if (rc == 0 || errno == EAGAIN) {
		close(probe);
		LOG_ERR(LOG_TOPIC_SYSTEM, "management socket %s: another process is listening on it",
			addr->sun_path);
		return -1;
	}
	close(probe);
	if (unlink(addr->sun_path) && errno != ENOENT) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "remove stale %s: %s", addr->sun_path, strerror(errno));
		return -1;
	}
	return 0;
}

static int mgmt_open_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old_mask;
	int fd = -1, rc;

	if (path[0] == '\0' || strlen(path) >= sizeof(addr.sun_path)) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "management socket path \"%s\" is empty or too long (max %zu)",
			path, sizeof(addr.sun_path) - 1);
		return -1;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (mgmt_make_dirs(path) || mgmt_remove_stale(&addr))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "socket: %s", strerror(errno));
		return -1;
	}
	/* Created 0660 from the start, so there is no window with a wider mode. */
	old_mask = umask(0777 & ~MGMT_SOCKET_MODE);
	rc = bind(fd, (const struct sockaddr *)&addr, sizeof(addr));
	umask(old_mask);
	if (rc) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "bind %s: %s", path, strerror(errno));
		goto fail;
	}
	if (chmod(path, MGMT_SOCKET_MODE) || stat(path, &st)) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "chmod %s: %s", path, strerror(errno));
		unlink(path);
		goto fail;
	}
	mgmt.dev = st.st_dev;
	mgmt.ino = st.st_ino;
	mgmt.bound = true;
	return fd;
fail:
	close(fd);
	return -1;
}

int mgmt_init(struct cp_context *cp)
{
	const char *path = cp->cfg->management.socket[0] ? cp->cfg->management.socket
							 : MGMT_DEFAULT_SOCKET;
	int fd;

	memset(&mgmt, 0, sizeof(mgmt));
	mgmt.cp = cp;
	snprintf(mgmt.path, sizeof(mgmt.path), "%s", path);

	cli_registry_reset();
	for (size_t i = 0; i < sizeof(mgmt_command_sets) / sizeof(mgmt_command_sets[0]); i++) {
		if (mgmt_command_sets[i]()) {
			LOG_ERR(LOG_TOPIC_SYSTEM, "cli command set %zu failed to register", i);
			goto fail;
		}
	}

	/* A client that hangs up early must not kill the daemon on write. */
	signal(SIGPIPE, SIG_IGN);

	fd = mgmt_open_socket(path);
	if (fd < 0)
		goto fail;
	mgmt.listener = evconnlistener_new(cp->base, mgmt_on_accept, NULL,
					   LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
					   MGMT_BACKLOG, fd);
	if (!mgmt.listener) {
		LOG_ERR(LOG_TOPIC_SYSTEM, "management socket %s: cannot listen", path);
		close(fd);
		goto fail;
	}
	evconnlistener_set_error_cb(mgmt.listener, mgmt_on_accept_error);
	mgmt.accept_retry = evtimer_new(cp->base, mgmt_on_accept_retry, NULL);
	if (!mgmt.accept_retry)
		goto fail;
	LOG_INFO(LOG_TOPIC_SYSTEM, "management socket=%s listening", path);
	return 0;
fail:
	mgmt_fini();
	return -1;
}

void mgmt_fini(void)
{
	struct stat st;

	while (mgmt.clients)
		mgmt_client_close(mgmt.clients);
	if (mgmt.accept_retry)
		event_free(mgmt.accept_retry);
	if (mgmt.listener)
		evconnlistener_free(mgmt.listener);
	/* Only our own socket: a newer instance may have replaced it. */
	if (mgmt.bound && stat(mgmt.path, &st) == 0 && st.st_dev == mgmt.dev &&
	    st.st_ino == mgmt.ino)
		unlink(mgmt.path);
	memset(&mgmt, 0, sizeof(mgmt));
}
