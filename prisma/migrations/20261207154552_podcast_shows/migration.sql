-- CreateTable
CREATE TABLE "podcast_shows" (
    "user_id" TEXT NOT NULL,
    "title" TEXT,
    "description" TEXT,
    "author" TEXT,
    "owner_email" TEXT,
    "language" TEXT,
    "category" TEXT,
    "subcategory" TEXT,
    "explicit" BOOLEAN NOT NULL DEFAULT false,
    "color" TEXT,
    "cover_key" TEXT,
    "cover_type" TEXT,
    "cover_checksum" TEXT,
    "cover_uploaded" BOOLEAN NOT NULL DEFAULT false,
    "cover_drawn_from" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "podcast_shows_pkey" PRIMARY KEY ("user_id")
);

-- AddForeignKey
ALTER TABLE "podcast_shows" ADD CONSTRAINT "podcast_shows_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
