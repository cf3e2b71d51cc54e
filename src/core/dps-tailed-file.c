/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "dps-engine"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dps-tailed-file.h"

#define FINGERPRINT_SPAN 4096

/* How long a rotated-away file is still read for lines its writer adds
 * late: a producer finishes the line it was writing, or writes a little
 * more, before it opens the new file. */
#define ROTATE_WAIT_US (5 * G_USEC_PER_SEC)

/* A rotated-away file, read for its late lines until its deadline. */
typedef struct {
  int             fd;
  GInputStream   *stream;
  DpsJsonlReader *reader;
  gint64          deadline;        /* monotonic; then a partial last line is final */
} Retired;

struct _DpsTailedFile
{
  char           *path;
  char           *key;
  gboolean        follow;
  gsize           max_line_length;

  guint32         source_id;
  int             fd;              /* -1 when closed */
  dev_t           dev;
  ino_t           ino;
  GInputStream   *stream;
  DpsJsonlReader *reader;
  gboolean        complete;        /* one-shot: the end was reached */
  gboolean        end_reported;
  gboolean        draining;        /* following: the path now names another file */
  gboolean        drained_final;   /* draining, path still missing: last line read */
  gboolean        gone;            /* ... and read to its end since */
  gint64          rotated_at;      /* monotonic time draining began */
  gboolean        caught_up;       /* following: the last read reached the end */
  gint64          size;            /* last size seen */
  GPtrArray      *retired;         /* Retired*, oldest first */

  /* Following: the bytes before fingerprint_offset as they were read, to
   * tell a file rewritten in place (truncated, then grown again) from a
   * file that only grew. */
  char           *fingerprint;
  gint64          fingerprint_offset;
};

static gboolean
set_io_error (GError     **error,
              int          saved_errno,
              const char  *path)
{
  int code = saved_errno == ENOENT ? DPS_SOURCE_ERROR_NOT_FOUND : DPS_SOURCE_ERROR_UNREADABLE;

  g_set_error (error, DPS_SOURCE_ERROR, code, _("Cannot read “%s”: %s"),
               path, g_strerror (saved_errno));
  return FALSE;
}

static void
retired_free (gpointer data)
{
  Retired *retired = data;

  g_clear_object (&retired->reader);
  g_clear_object (&retired->stream);
  if (retired->fd >= 0)
    close (retired->fd);
  g_free (retired);
}

char *
dps_tailed_file_fingerprint (int    fd,
                             gint64 offset)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 buffer[FINGERPRINT_SPAN];
  gssize n;
  gint64 tail_start;

  if (offset <= 0)
    return NULL;

  n = pread (fd, buffer, (gsize) MIN (offset, (gint64) FINGERPRINT_SPAN), 0);
  if (n < 0)
    return NULL;
  g_checksum_update (checksum, buffer, n);

  tail_start = MAX (offset - FINGERPRINT_SPAN, (gint64) 0);
  n = pread (fd, buffer, (gsize) (offset - tail_start), tail_start);
  if (n < 0)
    return NULL;
  g_checksum_update (checksum, buffer, n);

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%s", offset, g_checksum_get_string (checksum));
}

DpsTailedFile *
dps_tailed_file_new (const char *path,
                     gboolean    follow,
                     gsize       max_line_length)
{
  DpsTailedFile *self = g_new0 (DpsTailedFile, 1);

  self->path = g_canonicalize_filename (path, NULL);
  self->key = g_strconcat ("file:", self->path, NULL);
  self->follow = follow;
  self->max_line_length = max_line_length;
  self->fd = -1;
  self->retired = g_ptr_array_new_with_free_func (retired_free);
  return self;
}

static void
set_fingerprint (DpsTailedFile *self,
                 gint64         offset,
                 const char    *fingerprint)
{
  g_free (self->fingerprint);
  self->fingerprint = g_strdup (fingerprint);
  self->fingerprint_offset = fingerprint != NULL ? offset : 0;
}

static void
close_current (DpsTailedFile *self)
{
  g_clear_object (&self->reader);
  g_clear_object (&self->stream);
  if (self->fd >= 0)
    close (self->fd);
  self->fd = -1;
}

void
dps_tailed_file_close (DpsTailedFile *self)
{
  close_current (self);
  g_ptr_array_set_size (self->retired, 0);
}

void
dps_tailed_file_free (DpsTailedFile *self)
{
  if (self == NULL)
    return;
  dps_tailed_file_close (self);
  g_ptr_array_unref (self->retired);
  g_free (self->fingerprint);
  g_free (self->path);
  g_free (self->key);
  g_free (self);
}

const char *
dps_tailed_file_get_key (DpsTailedFile *self)
{
  return self->key;
}

const char *
dps_tailed_file_get_path (DpsTailedFile *self)
{
  return self->path;
}

/* Opens the file at the path and positions it at @offset / @line. */
static gboolean
open_at (DpsTailedFile  *self,
         gint64          offset,
         gint64          line,
         GError        **error)
{
  struct stat st;

  close_current (self);

  self->fd = open (self->path, O_RDONLY | O_CLOEXEC);
  if (self->fd < 0)
    return set_io_error (error, errno, self->path);
  if (fstat (self->fd, &st) != 0)
    return set_io_error (error, errno, self->path);
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_UNREADABLE,
                   _("Cannot read “%s”: it is a folder"), self->path);
      return FALSE;
    }
  if (offset > 0 && lseek (self->fd, offset, SEEK_SET) < 0)
    return set_io_error (error, errno, self->path);

  self->dev = st.st_dev;
  self->ino = st.st_ino;
  self->size = st.st_size;
  self->draining = FALSE;
  self->drained_final = FALSE;
  self->gone = FALSE;
  self->caught_up = FALSE;
  set_fingerprint (self, 0, NULL);
  self->stream = g_unix_input_stream_new (self->fd, FALSE);
  self->reader = dps_jsonl_reader_new (self->stream, offset, line, self->max_line_length);
  dps_jsonl_reader_set_final (self->reader, !self->follow);
  return TRUE;
}

gboolean
dps_tailed_file_open (DpsTailedFile  *self,
                      DpsRepository  *repository,
                      GError        **error)
{
  g_autoptr(DpsCheckpoint) checkpoint = NULL;
  gint64 offset = 0, line = 0;

  if (!dps_repository_ensure_source (repository, self->key, &self->source_id, error))
    return FALSE;
  if (!dps_repository_load_checkpoint (repository, self->key, -1, &checkpoint, error))
    return FALSE;
  if (!open_at (self, 0, 0, error))
    return FALSE;

  /* A finished one-shot import starts over: importing a file again reads
   * it again (its records then count as duplicates). */
  if (checkpoint != NULL && (self->follow || !checkpoint->complete) &&
      checkpoint->offset > 0 && checkpoint->offset <= self->size)
    {
      g_autofree char *fingerprint = dps_tailed_file_fingerprint (self->fd, checkpoint->offset);

      if (g_strcmp0 (fingerprint, checkpoint->fingerprint) == 0)
        {
          offset = checkpoint->offset;
          line = MAX (checkpoint->line, (gint64) 0);
        }
      else
        g_debug ("%s changed since its checkpoint: reading it from the start", self->path);
    }

  if (offset > 0)
    {
      if (!open_at (self, offset, line, error))
        return FALSE;
      set_fingerprint (self, offset, checkpoint->fingerprint);
    }
  self->complete = FALSE;
  self->end_reported = FALSE;
  return TRUE;
}

static void
add_checkpoint (DpsTailedFile *self,
                DpsChunk      *chunk)
{
  g_autoptr(DpsCheckpoint) checkpoint = dps_checkpoint_new (self->key, -1);

  checkpoint->offset = dps_jsonl_reader_get_offset (self->reader);
  checkpoint->line = dps_jsonl_reader_get_line (self->reader);
  checkpoint->fingerprint = dps_tailed_file_fingerprint (self->fd, checkpoint->offset);
  checkpoint->complete = self->complete;
  if (self->follow)
    set_fingerprint (self, checkpoint->offset, checkpoint->fingerprint);
  dps_chunk_set_checkpoint (chunk, checkpoint);
}

/* Following, before reading what was added since the end was reached:
 * what the path names now, compared with the open file, and whether the
 * open file still holds what was read from it. */
static gboolean
check_file (DpsTailedFile  *self,
            gboolean       *reopen_at_start,
            GError        **error)
{
  struct stat path_st, fd_st;

  *reopen_at_start = FALSE;
  if (fstat (self->fd, &fd_st) != 0)
    return set_io_error (error, errno, self->path);

  if (g_stat (self->path, &path_st) != 0 ||
      path_st.st_dev != self->dev || path_st.st_ino != self->ino)
    {
      /* Rotated (or moved away and not recreated yet): read the old file
       * to its end, then switch to the new one; its writer may still add
       * to it for a while, which is read too (see read_retired()). */
      self->draining = TRUE;
      self->rotated_at = g_get_monotonic_time ();
      return TRUE;
    }

  if (fd_st.st_size < dps_jsonl_reader_get_offset (self->reader) + (gint64) dps_jsonl_reader_get_pending (self->reader))
    {
      /* Truncated in place: everything before was read; start over. */
      *reopen_at_start = TRUE;
    }
  else if (self->fingerprint != NULL)
    {
      g_autofree char *now = dps_tailed_file_fingerprint (self->fd, self->fingerprint_offset);

      /* Truncated and written again past where the reader stands (a
       * copytruncate between two polls): the bytes read are gone, and
       * the new ones must be read from the start, not from the middle. */
      if (g_strcmp0 (now, self->fingerprint) != 0)
        *reopen_at_start = TRUE;
    }
  self->size = fd_st.st_size;
  return TRUE;
}

/* Keeps reading the old file after a rotation; its checkpoint is gone
 * with it (the path names the new file now). */
static void
retire_current (DpsTailedFile *self)
{
  Retired *retired = g_new0 (Retired, 1);

  retired->fd = self->fd;
  retired->stream = g_steal_pointer (&self->stream);
  retired->reader = g_steal_pointer (&self->reader);
  retired->deadline = self->rotated_at + ROTATE_WAIT_US;
  self->fd = -1;
  g_ptr_array_add (self->retired, retired);
}

/* Lines written late to rotated-away files. */
static guint
read_retired (DpsTailedFile *self,
              DpsChunk      *chunk,
              guint          max_lines,
              GCancellable  *cancellable)
{
  gint64 now = g_get_monotonic_time ();
  guint n = 0;

  for (guint i = 0; i < self->retired->len && n < max_lines; )
    {
      Retired *retired = g_ptr_array_index (self->retired, i);
      gboolean expired = now >= retired->deadline;
      gint64 before = dps_jsonl_reader_get_offset (retired->reader);
      DpsReadResult result = DPS_READ_END;
      DpsLine line;

      /* Until the wait is over, a partial last line may still be ended. */
      dps_jsonl_reader_set_final (retired->reader, expired);
      while (n < max_lines &&
             (result = dps_jsonl_reader_next (retired->reader, &line, cancellable, NULL)) == DPS_READ_LINE)
        {
          DpsPosition position = { self->source_id, -1, line.offset, line.line };

          dps_chunk_add_line (chunk, line.data, line.length, line.full_length, &position);
          n++;
        }
      chunk->bytes += (gsize) (dps_jsonl_reader_get_offset (retired->reader) - before);
      if (result != DPS_READ_LINE && expired)
        g_ptr_array_remove_index (self->retired, i);
      else
        i++;
    }
  return n;
}

DpsSourceStatus
dps_tailed_file_read (DpsTailedFile  *self,
                      DpsChunk       *chunk,
                      guint           max_lines,
                      GCancellable   *cancellable,
                      GError        **error)
{
  guint n = 0;
  gint64 start_offset;

  if (self->reader == NULL)
    {
      g_set_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_FAILED,
                   _("“%s” is not open"), self->path);
      return DPS_SOURCE_FAILED;
    }

  if (self->complete)
    {
      if (!self->end_reported)
        {
          self->end_reported = TRUE;
          add_checkpoint (self, chunk);
          return DPS_SOURCE_DATA;
        }
      return DPS_SOURCE_END;
    }

  /* Before reading anything new, make sure it follows what was read. */
  if (self->follow && self->caught_up && !self->draining)
    {
      gboolean reopen;

      self->caught_up = FALSE;
      if (!check_file (self, &reopen, error))
        return DPS_SOURCE_FAILED;
      if (reopen && !open_at (self, 0, 0, error))
        return DPS_SOURCE_FAILED;
    }
  if (self->retired->len > 0)
    n = read_retired (self, chunk, max_lines, cancellable);

  start_offset = dps_jsonl_reader_get_offset (self->reader);
  while (n < max_lines)
    {
      DpsLine line;
      DpsReadResult result = dps_jsonl_reader_next (self->reader, &line, cancellable, error);

      if (result == DPS_READ_ERROR)
        {
          if (error != NULL && *error != NULL && (*error)->domain == G_IO_ERROR &&
              (*error)->code != G_IO_ERROR_CANCELLED)
            {
              g_autofree char *message = g_strdup ((*error)->message);

              g_clear_error (error);
              g_set_error (error, DPS_SOURCE_ERROR, DPS_SOURCE_ERROR_UNREADABLE,
                           _("Cannot read “%s”: %s"), self->path, message);
            }
          return DPS_SOURCE_FAILED;
        }

      if (result == DPS_READ_LINE)
        {
          DpsPosition position = { self->source_id, -1, line.offset, line.line };

          dps_chunk_add_line (chunk, line.data, line.length, line.full_length, &position);
          n++;
          continue;
        }

      /* DPS_READ_END */
      if (!self->follow)
        {
          self->complete = TRUE;
          break;
        }

      if (self->draining)
        {
          /* The old file is read to its end: switch to the new one, if any. */
          if (g_file_test (self->path, G_FILE_TEST_EXISTS))
            {
              chunk->bytes += (gsize) (dps_jsonl_reader_get_offset (self->reader) - start_offset);
              if (n > 0)
                {
                  add_checkpoint (self, chunk);
                  return DPS_SOURCE_DATA;
                }
              retire_current (self);
              if (!open_at (self, 0, 0, error))
                return DPS_SOURCE_FAILED;
              start_offset = 0;
              continue;
            }
          /* Still no new file: go on reading the old one; once the wait
           * is over, its partial last line is final. */
          if (!self->drained_final && g_get_monotonic_time () >= self->rotated_at + ROTATE_WAIT_US)
            {
              self->drained_final = TRUE;
              dps_jsonl_reader_set_final (self->reader, TRUE);
              continue;
            }
          self->gone = self->drained_final && self->retired->len == 0;
          break;
        }

      /* Caught up. Whether the file was rotated, truncated or rewritten
       * is checked before the next read, so that nothing written in the
       * meantime is read from the wrong place. */
      self->caught_up = TRUE;
      break;
    }

  chunk->bytes += (gsize) (dps_jsonl_reader_get_offset (self->reader) - start_offset);
  if (n == 0 && !self->complete)
    return DPS_SOURCE_IDLE;
  if (self->complete)
    self->end_reported = TRUE;
  add_checkpoint (self, chunk);
  return DPS_SOURCE_DATA;
}

gint64
dps_tailed_file_get_lag (DpsTailedFile *self)
{
  struct stat st;

  if (self->fd < 0 || self->reader == NULL || fstat (self->fd, &st) != 0)
    return -1;
  return MAX ((gint64) st.st_size - dps_jsonl_reader_get_offset (self->reader), (gint64) 0);
}

gboolean
dps_tailed_file_is_complete (DpsTailedFile *self)
{
  return self->complete;
}

gboolean
dps_tailed_file_is_gone (DpsTailedFile *self)
{
  return self->gone && !g_file_test (self->path, G_FILE_TEST_EXISTS);
}
