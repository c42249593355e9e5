// The week grid: move an appointment by dragging it (mouse, or touch and hold on a tablet),
// change its length by dragging its lower edge, or do either with the keyboard. Every drop
// is sent to the same move the appointment page makes (scheduling.booking); a refusal is
// shown in place and the block goes back where it was. The page works without this script.
// Its texts come through gettext() from the page's JavaScript catalogue (smpclinic.js_catalog).
(function () {
  "use strict";

  var HOLD_MS = 350; // touch and hold before a drag starts, so the page still scrolls
  var NUDGE = 4; // pixels the mouse moves before a press becomes a drag

  function grid() {
    return document.querySelector(".wg[data-drop-url]");
  }
  if (!grid()) {
    return;
  }
  var announcer = document.getElementById("week-announce");
  var banner = document.getElementById("week-message");

  function settings() {
    var g = grid();
    return {
      rows: parseInt(g.dataset.rows, 10),
      grid: parseInt(g.dataset.gridMinutes, 10),
      first: parseInt(g.dataset.firstMinute, 10),
      slotRows: Math.max(1, Math.round(parseInt(g.dataset.slotMinutes, 10) / parseInt(g.dataset.gridMinutes, 10))),
      by: g.dataset.by,
      url: g.dataset.dropUrl,
      csrf: g.dataset.csrf,
    };
  }

  function say(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 30);
  }

  function show(text, ok) {
    banner.textContent = text;
    banner.classList.remove("d-none", "alert-success", "alert-danger");
    banner.classList.add(ok ? "alert-success" : "alert-danger");
    say(text);
  }

  function classNumber(el, prefix) {
    var match = el.className.match(new RegExp("(?:^|\\s)" + prefix + "(\\d+)(?:\\s|$)"));
    return match ? parseInt(match[1], 10) : null;
  }

  function place(el, row, span) {
    el.className = el.className
      .replace(/(^|\s)wg-r\d+(?=\s|$)/g, " ")
      .replace(/(^|\s)wg-s\d+(?=\s|$)/g, " ")
      .replace(/(^|\s)wg-c\d+(?=\s|$)/g, " ")
      .trim();
    el.classList.add("wg-r" + row, "wg-s" + span, "wg-c1");
  }

  function timeOf(row) {
    var s = settings();
    var minute = s.first + (row - 1) * s.grid;
    var hh = Math.floor(minute / 60);
    var mm = minute % 60;
    return (hh < 10 ? "0" : "") + hh + ":" + (mm < 10 ? "0" : "") + mm;
  }

  // The time as the clinic's locale reads it: "14:30", or "2:30 PM" (data-hour12).
  function clockOf(row) {
    var time = timeOf(row);
    if (document.querySelector(".wg").dataset.hour12 !== "true") {
      return time;
    }
    var hh = parseInt(time.slice(0, 2), 10);
    return ((hh + 11) % 12 + 1) + time.slice(2) + (hh < 12 ? " AM" : " PM");
  }

  function laneAt(x, y) {
    var found = document.elementsFromPoint(x, y);
    for (var i = 0; i < found.length; i++) {
      if (found[i].classList && found[i].classList.contains("wg-lane")) {
        return found[i];
      }
    }
    return null;
  }

  function snap(row, span) {
    var s = settings();
    var snapped = 1 + Math.round((row - 1) / s.slotRows) * s.slotRows;
    return Math.min(Math.max(snapped, 1), Math.max(s.rows - span + 1, 1));
  }

  // --- one move, however it is made ---------------------------------------------------

  var move = null; // {block, home: {parent, next, className}, lane, row, span, resizing}

  function pickUp(block, resizing) {
    move = {
      block: block,
      home: { parent: block.parentNode, next: block.nextSibling, className: block.className },
      lane: block.parentNode,
      row: classNumber(block, "wg-r"),
      span: classNumber(block, "wg-s"),
      resizing: resizing,
    };
    block.classList.add("wg-moving");
    document.body.classList.add("wg-dragging");
  }

  function moveTo(lane, row, span) {
    if (lane !== move.lane) {
      move.lane.classList.remove("wg-target");
      lane.appendChild(move.block);
      move.lane = lane;
    }
    lane.classList.add("wg-target");
    move.row = row;
    move.span = span;
    place(move.block, row, span);
  }

  function describe() {
    var lane = move.lane;
    var text = lane.closest(".wg-day").querySelector("h2 a").textContent.trim() + ", " + clockOf(move.row);
    if (move.resizing) {
      return interpolate(gettext("until %(time)s"), { time: clockOf(move.row + move.span) }, true);
    }
    return text + ", " + lane.dataset.label;
  }

  function putBack() {
    var home = move.home;
    move.lane.classList.remove("wg-target");
    home.parent.insertBefore(move.block, home.next);
    move.block.className = home.className;
  }

  function finish() {
    if (move) {
      move.lane.classList.remove("wg-target");
      move.block.classList.remove("wg-moving");
    }
    document.body.classList.remove("wg-dragging");
    move = null;
  }

  function refresh(then) {
    // The week again, without a reload: the grid is swapped for the server's.
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".wg-scroll");
        var current = document.querySelector(".wg-scroll");
        if (fresh && current) {
          current.replaceWith(fresh);
        }
        if (then) {
          then();
        }
      });
  }

  function drop() {
    var block = move.block;
    var unchanged =
      move.lane === move.home.parent &&
      move.row === classNumber({ className: move.home.className }, "wg-r") &&
      move.span === classNumber({ className: move.home.className }, "wg-s");
    if (unchanged) {
      putBack();
      finish();
      return;
    }
    var s = settings();
    var body = new URLSearchParams();
    body.set("day", move.lane.dataset.day);
    body.set("time", timeOf(move.row));
    body.set("version", block.dataset.version);
    if (move.lane.dataset.artist) {
      body.set("artist", move.lane.dataset.artist);
    }
    if (move.lane.dataset.room) {
      body.set("room", move.lane.dataset.room);
    }
    if (move.resizing) {
      body.set("minutes", String(move.span * s.grid));
    }
    var moving = move;
    finish();
    send(block, body, moving);
  }

  function askReason(block, body, text) {
    // The policy lets a manager go ahead with a reason: ask for it here, then send again.
    banner.textContent = "";
    banner.classList.remove("d-none", "alert-success");
    banner.classList.add("alert-danger");
    var form = document.createElement("form");
    form.className = "d-flex flex-wrap align-items-end gap-2";
    var label = document.createElement("label");
    label.className = "w-100";
    label.htmlFor = "week-reason";
    label.textContent = text;
    var input = document.createElement("input");
    input.id = "week-reason";
    input.className = "form-control form-control-sm w-auto flex-grow-1";
    input.maxLength = 300;
    input.required = true;
    var go = document.createElement("button");
    go.type = "submit";
    go.className = "btn btn-sm btn-primary";
    go.textContent = gettext("Move it with this reason");
    var leave = document.createElement("button");
    leave.type = "button";
    leave.className = "btn btn-sm btn-outline-secondary";
    leave.textContent = gettext("Leave it where it was");
    form.append(label, input, go, leave);
    banner.appendChild(form);
    say(text);
    input.focus();
    leave.addEventListener("click", function () {
      banner.classList.add("d-none");
      banner.textContent = "";
      block.focus();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.value.trim()) {
        input.focus();
        return;
      }
      body.set("reason", input.value.trim());
      var current = document.querySelector('.wg-block[data-id="' + block.dataset.id + '"]') || block;
      send(current, body, null);
    });
  }

  function send(block, body, moving) {
    var s = settings();
    block.classList.add("wg-saving");
    fetch(s.url + block.dataset.id + "/drop/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": s.csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
    })
      .then(function (response) {
        return response.json().catch(function () {
          return { ok: false, message: gettext("The diary did not answer: nothing was moved. Please try again.") };
        });
      })
      .then(function (answer) {
        block.classList.remove("wg-saving");
        if (answer.ok) {
          refresh(function () { show(answer.message, true); });
          return;
        }
        if (moving) {
          move = moving;
          putBack();
          move = null;
        }
        var back = document.querySelector('.wg-block[data-id="' + block.dataset.id + '"]');
        if (back) {
          back.classList.add("wg-refused");
          back.focus();
        }
        if (answer.stale) {
          refresh(function () { show(answer.message, false); });
        } else if (answer.needs_reason) {
          askReason(back || block, body, answer.message);
        } else {
          show(interpolate(gettext("%(refusal)s The appointment is where it was."), { refusal: answer.message }, true), false);
        }
      })
      .catch(function () {
        block.classList.remove("wg-saving");
        if (moving) {
          move = moving;
          putBack();
          move = null;
        }
        show(gettext("The diary could not be reached: nothing was moved. Please try again."), false);
      });
  }

  // --- mouse and touch ------------------------------------------------------------------

  var press = null; // {block, x, y, grabRows, resizing, timer, id}

  document.addEventListener("pointerdown", function (event) {
    var block = event.target.closest(".wg-block[data-movable]");
    if (!block || move || event.button > 0) {
      return;
    }
    var rect = block.getBoundingClientRect();
    var rowHeight = rect.height / classNumber(block, "wg-s");
    press = {
      block: block,
      x: event.clientX,
      y: event.clientY,
      id: event.pointerId,
      grabRows: Math.floor((event.clientY - rect.top) / rowHeight),
      resizing: event.target.classList.contains("wg-resize"),
      touch: event.pointerType === "touch",
      timer: null,
    };
    if (press.touch) {
      // Touch and hold: a quick swipe still scrolls the week.
      press.timer = window.setTimeout(function () {
        if (press) {
          pickUp(press.block, press.resizing);
          say(gettext("Picked up. Drag to the new time."));
        }
      }, HOLD_MS);
    }
  });

  document.addEventListener("pointermove", function (event) {
    if (!press || event.pointerId !== press.id) {
      return;
    }
    if (!move) {
      var far = Math.abs(event.clientX - press.x) + Math.abs(event.clientY - press.y) > NUDGE;
      if (press.touch) {
        if (far) { // a scroll, not a hold
          window.clearTimeout(press.timer);
          press = null;
        }
        return;
      }
      if (!far) {
        return;
      }
      pickUp(press.block, press.resizing);
    }
    event.preventDefault();
    var s = settings();
    var lane = move.resizing ? move.lane : laneAt(event.clientX, event.clientY) || move.lane;
    var rect = lane.getBoundingClientRect();
    var rowHeight = rect.height / s.rows;
    var pointerRow = Math.floor((event.clientY - rect.top) / rowHeight) + 1;
    if (move.resizing) {
      var span = Math.max(s.slotRows, snap(pointerRow + 1, 1) - move.row);
      moveTo(lane, move.row, Math.min(span, s.rows - move.row + 1));
    } else {
      moveTo(lane, snap(pointerRow - press.grabRows, move.span), move.span);
    }
  });

  // While a finger drags a block, the page must not scroll under it.
  document.addEventListener(
    "touchmove",
    function (event) {
      if (move) {
        event.preventDefault();
      }
    },
    { passive: false }
  );

  function release(event) {
    if (!press || event.pointerId !== press.id) {
      return;
    }
    window.clearTimeout(press.timer);
    var was = press;
    press = null;
    if (move) {
      // The click that follows a drag must not open the appointment.
      was.block.dataset.justDragged = "1";
      drop();
    }
  }
  document.addEventListener("pointerup", release);
  document.addEventListener("pointercancel", function (event) {
    if (press && event.pointerId === press.id) {
      window.clearTimeout(press.timer);
      press = null;
      if (move) {
        putBack();
        finish();
      }
    }
  });
  document.addEventListener(
    "click",
    function (event) {
      var block = event.target.closest(".wg-block");
      if (block && block.dataset.justDragged) {
        delete block.dataset.justDragged;
        event.preventDefault();
      }
    },
    true
  );
  // A link's own drag (to the address bar, say) would end ours: blocks move only our way.
  document.addEventListener("dragstart", function (event) {
    if (event.target.closest && event.target.closest(".wg-block[data-movable]")) {
      event.preventDefault();
    }
  });
  document.addEventListener("contextmenu", function (event) {
    if (press && press.touch) {
      event.preventDefault(); // the long press picks up, it does not open a menu
    }
  });

  // --- keyboard -------------------------------------------------------------------------

  function neighbourLane(lane, dayStep, laneStep) {
    var day = lane.closest(".wg-day");
    if (laneStep) {
      var lanes = Array.prototype.slice.call(day.querySelectorAll(".wg-lane"));
      return lanes[lanes.indexOf(lane) + laneStep] || null;
    }
    var days = Array.prototype.slice.call(document.querySelectorAll(".wg-day"));
    var other = days[days.indexOf(day) + dayStep];
    return other ? other.querySelector('.wg-lane[data-lane="' + lane.dataset.lane + '"]') : null;
  }

  document.addEventListener("keydown", function (event) {
    var block = event.target.closest && event.target.closest(".wg-block[data-movable]");
    if (!block) {
      return;
    }
    var s = settings();
    if (!move) {
      if (event.key === " ") {
        event.preventDefault();
        pickUp(block, event.altKey);
        var help = s.by === "room"
          ? gettext("Picked up %(appointment)s. Arrow keys move it, Shift with left or right changes the room, Enter puts it there, Escape leaves it.")
          : gettext("Picked up %(appointment)s. Arrow keys move it, Shift with left or right changes the artist, Enter puts it there, Escape leaves it.");
        say(interpolate(help, { appointment: block.querySelector("strong").textContent }, true));
      }
      return;
    }
    var lane = move.lane;
    var row = move.row;
    if (event.key === "Escape") {
      event.preventDefault();
      putBack();
      finish();
      block.focus();
      say(gettext("Left where it was."));
      return;
    }
    if (event.key === "Enter") {
      event.preventDefault();
      say(interpolate(gettext("Moving to %(place)s…"), { place: describe() }, true));
      drop();
      return;
    }
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      var step = event.key === "ArrowUp" ? -s.slotRows : s.slotRows;
      if (move.resizing) {
        moveTo(lane, row, Math.min(Math.max(move.span + step, s.slotRows), s.rows - row + 1));
      } else {
        moveTo(lane, snap(row + step, move.span), move.span);
      }
    } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      var direction = event.key === "ArrowLeft" ? -1 : 1;
      var next = event.shiftKey ? neighbourLane(lane, 0, direction) : neighbourLane(lane, direction, 0);
      if (next && !move.resizing) {
        moveTo(next, row, move.span);
      }
    } else {
      return;
    }
    block.focus();
    say(describe());
  });
})();
