# Adds -fsanitize flags to every target when LIMUON_SANITIZE is set (see CMakePresets.json).
if(LIMUON_SANITIZE)
  string(REPLACE ";" "," _limuon_sanitizers "${LIMUON_SANITIZE}")
  message(STATUS "LiMuon Lab: building with -fsanitize=${_limuon_sanitizers}")
  add_compile_options(-fsanitize=${_limuon_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=${_limuon_sanitizers})
endif()
