/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pptpgw-cli: send one RouterOS-syntax command to a running pptpgw over its
 * management socket and print the answer (protocol: controlplane/mgmt.h).
 *
 *   pptpgw-cli [-s SOCKET] [--json] COMMAND...
 *   pptpgw-cli [-s SOCKET] [--json] < script     (one command per line)
 *
 * Exit status: 0 done, 1 the appliance refused a command, 2 the socket could
 * not be reached or answered nonsense (or bad usage).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#define CLI_DEFAULT_SOCKET "/run/pptpgw/pptpgw.sock"
#define CLI_REQUEST_MAX (64 * 1024)        /* what the daemon accepts */
#define CLI_REPLY_MAX (256 * 1024 * 1024)  /* sanity bound on one reply */
#define CLI_REPLY_TIMEOUT_SEC 60

enum cli_exit {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,
	EXIT_UNREACHABLE = 2,
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pptpgw-cli [-s SOCKET] [--json] [COMMAND...]\n"
		"  -s, --socket PATH  management socket (default %s,\n"
		"                     or $PPTPGW_SOCKET)\n"
		"  -j, --json         print the result as JSON\n"
		"  -V, --version      print the version\n"
		"With no COMMAND, commands are read from standard input, one per line.\n"
		"Example: pptpgw-cli /ip/address/print detail\n",
		CLI_DEFAULT_SOCKET);
}

/* ---- joining argv into one RouterOS command line ---- */

static bool needs_quotes(const char *s)
{
	return s[0] == '\0' || strpbrk(s, " \t\"\\") != NULL;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '!';
}

/* Already a well-formed "..." string (as typed inside shell single quotes)? */
static bool is_quoted(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return false;
	for (size_t i = 1; i < n - 1; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return false;
	}
	return true;
}

static int append(char *buf, size_t len, size_t *used, const char *s, size_t n)
{
	if (n >= len - *used)
		return -1;
	memcpy(buf + *used, s, n);
	*used += n;
	buf[*used] = '\0';
	return 0;
}

static int append_quoted(char *buf, size_t len, size_t *used, const char *s)
{
	if (append(buf, len, used, "\"", 1))
		return -1;
	for (; *s; s++) {
		if ((*s == '"' || *s == '\\') && append(buf, len, used, "\\", 1))
			return -1;
		if (append(buf, len, used, s, 1))
			return -1;
	}
	return append(buf, len, used, "\"", 1);
}

/*
 * One argument as the shell gave it: name=value with a value holding spaces
 * becomes name="value"; a bare word with spaces becomes "word"; text the
 * user already quoted passes through.
 */
static int append_arg(char *buf, size_t len, size_t *used, const char *arg)
{
	size_t name_len = 0;

	while (is_name_char(arg[name_len]))
		name_len++;
	if (name_len > 0 && arg[name_len] == '=') {
		const char *value = arg + name_len + 1;

		if (append(buf, len, used, arg, name_len + 1))
			return -1;
		if (!needs_quotes(value) || is_quoted(value))
			return append(buf, len, used, value, strlen(value));
		return append_quoted(buf, len, used, value);
	}
	if (arg[0] != '\0' && (!needs_quotes(arg) || is_quoted(arg)))
		return append(buf, len, used, arg, strlen(arg));
	return append_quoted(buf, len, used, arg);
}

/* A single argument is taken as the whole command line, verbatim. */
static char *join_command(int argc, char **argv)
{
	char *buf = malloc(CLI_REQUEST_MAX);
	size_t used = 0;

	if (!buf)
		return NULL;
	buf[0] = '\0';
	if (argc == 1) {
		if (append(buf, CLI_REQUEST_MAX, &used, argv[0], strlen(argv[0])))
			goto fail;
		return buf;
	}
	for (int i = 0; i < argc; i++) {
		if (i > 0 && append(buf, CLI_REQUEST_MAX, &used, " ", 1))
			goto fail;
		if (append_arg(buf, CLI_REQUEST_MAX, &used, argv[i]))
			goto fail;
	}
	return buf;
fail:
	free(buf);
	return NULL;
}

/* ---- talking to the daemon ---- */

static int connect_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CLI_REPLY_TIMEOUT_SEC };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "pptpgw-cli: socket path %s is too long\n", path);
		return -1;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "pptpgw-cli: socket: %s\n", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		fprintf(stderr, "pptpgw-cli: cannot connect to %s: %s (is pptpgw running?)\n",
			path, strerror(errno));
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read until EOF. NULL on error (message printed). */
static char *read_all(int fd, const char *path, size_t *len)
{
	size_t cap = 4096, used = 0;
	char *buf = malloc(cap);

	if (!buf)
		goto oom;
	for (;;) {
		ssize_t r;

		if (used + 1 == cap) {
			char *p;

			if (cap >= CLI_REPLY_MAX) {
				fprintf(stderr, "pptpgw-cli: reply from %s is too large\n", path);
				goto fail;
			}
			p = realloc(buf, cap * 2);
			if (!p)
				goto oom;
			buf = p;
			cap *= 2;
		}
		r = read(fd, buf + used, cap - 1 - used);
		if (r < 0 && errno == EINTR)
			continue;
		/* The daemon closes without reading past what it refused: the
		 * kernel reports that as a reset after the reply was delivered. */
		if (r < 0 && errno == ECONNRESET && used > 0)
			break;
		if (r < 0) {
			fprintf(stderr, "pptpgw-cli: no reply from %s: %s\n", path,
				errno == EAGAIN ? "timed out" : strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		used += (size_t)r;
	}
	buf[used] = '\0';
	*len = used;
	return buf;
oom:
	fprintf(stderr, "pptpgw-cli: out of memory\n");
fail:
	free(buf);
	return NULL;
}

/* Send one command and print its answer; returns an exit status. */
static int run_command(const char *path, const char *command, bool json)
{
	json_t *req = NULL, *reply = NULL, *ok, *field;
	char *req_text = NULL, *reply_text = NULL;
	json_error_t jerr;
	size_t reply_len = 0;
	int fd = -1, rc = EXIT_UNREACHABLE;

	req = json_pack("{s:s, s:b}", "command", command, "json", json);
	req_text = req ? json_dumps(req, JSON_COMPACT) : NULL;
	if (!req_text) {
		fprintf(stderr, "pptpgw-cli: the command is not valid UTF-8 text\n");
		rc = EXIT_REFUSED;
		goto out;
	}
	fd = connect_socket(path);
	if (fd < 0)
		goto out;
	if (write_all(fd, req_text, strlen(req_text)) || write_all(fd, "\n", 1)) {
		fprintf(stderr, "pptpgw-cli: cannot send to %s: %s\n", path, strerror(errno));
		goto out;
	}
	reply_text = read_all(fd, path, &reply_len);
	if (!reply_text)
		goto out;
	reply = json_loadb(reply_text, reply_len, 0, &jerr);
	ok = reply ? json_object_get(reply, "ok") : NULL;
	if (!json_is_boolean(ok)) {
		fprintf(stderr, "pptpgw-cli: unexpected reply from %s\n", path);
		goto out;
	}
	if (json_is_false(ok)) {
		field = json_object_get(reply, "error");
		fprintf(stderr, "%s\n", json_is_string(field) ? json_string_value(field) : "failure");
		rc = EXIT_REFUSED;
		goto out;
	}
	field = json ? json_object_get(reply, "data") : NULL;
	if (field) {
		char *pretty = json_dumps(field, JSON_INDENT(2) | JSON_ENCODE_ANY);

		if (pretty)
			printf("%s\n", pretty);
		free(pretty);
	} else {
		field = json_object_get(reply, "output");
		if (json_is_string(field)) {
			const char *s = json_string_value(field);
			size_t n = strlen(s);

			fputs(s, stdout);
			if (n > 0 && s[n - 1] != '\n')
				putchar('\n');
		}
	}
	rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_REFUSED;
out:
	if (fd >= 0)
		close(fd);
	json_decref(reply);
	free(reply_text);
	free(req_text);
	json_decref(req);
	return rc;
}

/* Commands from stdin, one per line; blank lines and # comments skipped. */
static int run_script(const char *path, bool json)
{
	bool tty = isatty(STDIN_FILENO);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = EXIT_OK;

	for (;;) {
		char *s;

		if (tty) {
			fputs("[pptpgw] > ", stdout);
			fflush(stdout);
		}
		n = getline(&line, &cap, stdin);
		if (n < 0)
			break;
		if (n > CLI_REQUEST_MAX) {
			fprintf(stderr, "pptpgw-cli: line too long (max %d bytes)\n", CLI_REQUEST_MAX);
			rc = EXIT_REFUSED;
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		if (*s == '\0' || *s == '#')
			continue;
		if (tty && (strcmp(s, "quit") == 0 || strcmp(s, "/quit") == 0))
			break;
		switch (run_command(path, s, json)) {
		case EXIT_OK:
			break;
		case EXIT_REFUSED:
			rc = EXIT_REFUSED;
			break;
		default:
			free(line);
			return EXIT_UNREACHABLE;
		}
	}
	if (tty)
		putchar('\n');
	free(line);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = getenv("PPTPGW_SOCKET");
	bool json = false;
	char *command;
	int opt, rc;

	if (!path || !path[0])
		path = CLI_DEFAULT_SOCKET;
	/* '+': stop at the command, whose words never start with '-' anyway. */
	while ((opt = getopt_long(argc, argv, "+s:jVh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'V':
			printf("pptpgw-cli %s\n", PPTPGW_VERSION);
			return EXIT_OK;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_UNREACHABLE;
		}
	}
	if (optind == argc)
		return run_script(path, json);
	command = join_command(argc - optind, argv + optind);
	if (!command) {
		fprintf(stderr, "pptpgw-cli: command too long (max %d bytes)\n", CLI_REQUEST_MAX - 1);
		return EXIT_REFUSED;
	}
	rc = run_command(path, command, json);
	free(command);
	return rc;
}
