"""The demo's two villages: names, places, destinations of their migrants, enterprises.

Each village is a desa of the official list by its Kemendagri code; its members' NIKs begin
with the same province, kabupaten and (mostly) kecamatan digits."""
from datetime import date

# Destination: (currency, rupiah per unit (low, high), amount sent in the currency (low,
# high, step),
# contract years, sectors of women, sectors of men, channels).
COUNTRIES = {
    "Taiwan": ("TWD", ("495", "525"), (8_000, 18_000, 500), 3, ("caregiving", "manufacturing"),
               ("manufacturing", "fishing"), ("bank", "remittance_company")),
    "Hong Kong": ("HKD", ("2060", "2140"), (2_500, 4_500, 100), 2, ("domestic", "caregiving"),
                  ("construction",), ("bank", "remittance_company")),
    "Arab Saudi": ("SAR", ("4250", "4450"), (800, 1_500, 50), 2, ("domestic",), ("other", "construction"),
                   ("bank", "remittance_company")),
    "Malaysia": ("MYR", ("3650", "3850"), (700, 1_800, 50), 2, ("domestic", "manufacturing"),
                 ("plantation", "construction"), ("remittance_company", "pos", "bank")),
    "Singapura": ("SGD", ("12200", "12800"), (400, 800, 50), 2, ("domestic",), ("construction",),
                  ("bank",)),
    "Korea Selatan": ("KRW", ("11.50", "12.20"), (800_000, 1_800_000, 50_000), 4, ("manufacturing",),
                      ("manufacturing", "fishing"), ("bank",)),
}
REFERENCE_PREFIX = {"bank": "TRF", "pos": "WP", "remittance_company": "WU"}

JUNTINYUAT = "32.12.11.2005"  # Desa Juntinyuat, Kec. Juntinyuat, Kabupaten Indramayu, Jawa Barat
SURALAGA = "52.03.13.2005"  # Desa Suralaga, Kec. Suralaga, Kabupaten Lombok Timur, NTB


def _nik_digits(village_code):
    """(province, kabupaten) and the kecamatan of a desa's code, as a NIK's first digits."""
    province, kabupaten, kecamatan = (int(part) for part in village_code.split(".")[:3])
    return dict(nik_region=(province, kabupaten), home_kecamatan=kecamatan)


INDRAMAYU = dict(
    village_code=JUNTINYUAT, **_nik_digits(JUNTINYUAT), address="Blok {place} RT {rt:03d}/RW {rw:03d}, "
    "Desa Juntinyuat, Kec. Juntinyuat, Kab. Indramayu",
    places=("Kliwon", "Pahing", "Manis", "Wage", "Pon", "Karangasem", "Sukamaju", "Mekarsari",
            "Tegalsari", "Pesisir"),
    migrant_women=0.75, countries={"Taiwan": 5, "Hong Kong": 3, "Arab Saudi": 3, "Malaysia": 2,
                                   "Singapura": 2, "Korea Selatan": 1},
    men=["Dulkarim", "Tarsono", "Karyadi", "Waryono", "Sukardi", "Darsim", "Rusdi", "Taryum",
         "Kusnadi", "Carman", "Warsito", "Dasuki", "Sarkim", "Tarmadi", "Rohman", "Jaenudin",
         "Suhendi", "Daryono", "Sanusi", "Wasman", "Asmawi", "Takrip", "Kasmari", "Tarmuji",
         "Sutarja", "Darmaji", "Kartam", "Samsudin", "Wartono", "Durahman", "Casban", "Sarnadi",
         "Kadirun", "Rasdam", "Tamsir", "Juhedi", "Warnadi", "Sunardi", "Darto", "Kasbari",
         "Ruslani", "Tajudin", "Casnadi", "Mukhlas", "Dartam"],
    women=["Tarsih", "Sunarti", "Karsiti", "Rasminah", "Casinih", "Darsih", "Tarmini", "Sumiati",
           "Kartini", "Warsini", "Ratini", "Kuriah", "Dasmi", "Sairoh", "Rumsinah", "Carini",
           "Tusminah", "Kasminah", "Wasriah", "Sutini", "Daswati", "Juariah", "Raminah", "Tasiah",
           "Nurhayati", "Castini", "Warniti", "Taryumi", "Karwati", "Sarwinih", "Dariah",
           "Kaswati", "Rasiti", "Watinah", "Runingsih", "Sukesih", "Tarwini", "Casmini",
           "Rokayah", "Saniah", "Kusnah", "Wasini", "Darwiyah", "Munirah", "Tarinah"],
    elder_prefix=(), allocations=("SS",), everyday="SS", time_deposit="SB12",
    anggota=dict(name="Casmadi", gender="M", born=date(1984, 6, 12), migrant="Tarsih",
                 country="Taiwan", sector="caregiving", allocation=("pct", 30)),
    enterprises=[
        ("Olahan Mangga Gedong Gincu Sumber Rejeki", "food_processing",
         "Dodol, manisan dan sirup mangga gedong gincu", 4, True),
        ("Keripik dan Selai Mangga Gincu", "food_processing",
         "Keripik mangga dan selai mangga gedong gincu dalam toples", 3, True),
        ("Sari Buah Mangga Juntinyuat", "food_processing",
         "Sari buah mangga gedong gincu dalam kemasan gelas dan botol", 5, True),
        ("Kebun Mangga Gedong Gincu", "agriculture",
         "Mangga gedong gincu segar untuk pasar Cirebon dan Jakarta", 2, True),
        ("Tambak Bandeng Eretan", "fishery", "Bandeng segar dan bandeng presto", 3, False),
        ("Batik Tulis Paoman", "handicraft",
         "Kain batik tulis motif Paoman (iwak etong, kapal kandas)", 6, False),
        ("Kerupuk Udang Juntinyuat", "food_processing", "Kerupuk udang dan kerupuk ikan mentah", 4, False),
        ("Warung Sembako", "trade", "Beras, minyak goreng, gula dan gas elpiji 3 kg", 1, False),
        ("Bengkel Motor", "services", "Servis dan suku cadang sepeda motor", 2, False),
        ("Ternak Kambing Jawarandu", "livestock", "Kambing potong untuk akikah dan kurban", 1, False),
    ],
)
LOMBOK_TIMUR = dict(
    village_code=SURALAGA, **_nik_digits(SURALAGA), address="Dusun {place} RT {rt:03d}/RW {rw:03d}, "
    "Desa Suralaga, Kec. Suralaga, Kab. Lombok Timur",
    places=("Bagik Nyaka", "Dasan Baru", "Tembeng Putik", "Gubuk Baru", "Lendang Belo",
            "Montong Beleq", "Kalijaga", "Dasan Lendang", "Bagik Payung"),
    migrant_women=0.25, countries={"Malaysia": 8, "Arab Saudi": 3, "Taiwan": 2, "Hong Kong": 1,
                                   "Korea Selatan": 1, "Singapura": 1},
    men=["Lalu Ahmad Fauzi", "Amaq Sumardi", "Saepudin", "Muhammad Zaini", "Hairul Anwar",
         "Abdul Hamid", "Zulkarnain", "Amaq Jumadil", "Lalu Muhsin", "Mahsun", "Sahrul Ramadhan",
         "Hasanudin", "Mukhlis", "Supardi", "Burhanudin", "Sapri", "Marzuki", "Lalu Wiraguna",
         "Amaq Rahman", "Ahmad Juaini", "Samsul Hadi", "Jumadi", "Lalu Kusnadi", "Amaq Sahur",
         "Habiburrahman", "Muhammad Sukri", "Asmuni", "Lalu Sukarman", "Rusnadi",
         "Amaq Munawir", "Sahabudin", "Kamarudin", "Lalu Satriawan", "Amaq Hirsan",
         "Ilham Hidayat", "Sudirman", "Amaq Saleh", "Zainal Abidin", "Hamdi", "Lalu Azhar",
         "Sahli", "Amaq Riadi", "Muhammad Rifai", "Junaidi", "Lalu Hamzan"],
    women=["Nurhasanah", "Baiq Sri Wahyuni", "Inaq Rahmah", "Inaq Sumini", "Sumiati",
           "Rabiatul Adawiyah", "Hajariah", "Masitah", "Nurul Hidayah", "Baiq Halimah",
           "Inaq Saenah", "Sri Hartini", "Maemunah", "Hafsah", "Rukmini", "Siti Aisyah",
           "Nursiah", "Inaq Mariam", "Zaenab", "Baiq Fitriani", "Murniati", "Salmah",
           "Inaq Hadijah", "Rohani", "Baiq Rauhun", "Inaq Sahnim", "Sukmawati", "Hurriyah",
           "Baiq Nuraini", "Inaq Marni", "Sarinah", "Mulianah", "Baiq Suryani", "Inaq Rabiah",
           "Hayatun Nufus", "Suhartini", "Rahmawati", "Inaq Jamilah", "Nurjannah",
           "Erni Suryani", "Baiq Mardiah", "Inaq Sapiah", "Husnul Khotimah", "Saodah",
           "Inaq Kartini"],
    # Sasak parents are called by their child: Amaq (father of) and Inaq (mother of).
    elder_prefix=("Amaq ", "Inaq "), allocations=("SM", "WD"), everyday="WD", time_deposit="SMB12",
    anggota=dict(name="Sahnan", gender="M", born=date(1987, 2, 3), migrant="Nurhasanah",
                 country="Arab Saudi", sector="domestic", allocation=("pct", 40)),
    enterprises=[
        ("Anyaman Ketak Suralaga", "handicraft",
         "Tas, tempat tisu dan piring saji anyaman ketak", 5, True),
        ("Kerajinan Ketak Dasan Baru", "handicraft",
         "Keranjang, kotak perhiasan dan tatakan gelas dari ketak", 8, True),
        ("Ketak Art Bagik Nyaka", "handicraft",
         "Tas wanita dan sandal anyaman ketak untuk toko oleh-oleh di Mataram", 4, True),
        ("Kopi Bubuk Robusta Suralaga", "food_processing",
         "Kopi bubuk robusta Suralaga dan arabika Sembalun sangrai", 3, False),
        ("Tenun Songket Pringgasela", "handicraft", "Kain tenun songket dan ikat khas Sasak", 3, False),
        ("Penggemukan Sapi Bali", "livestock", "Sapi bali potong untuk kurban dan pasar Masbagik", 2, False),
        ("Madu Trigona Lombok", "agriculture", "Madu kele-kele (trigona) dalam botol 250 ml", 2, False),
        ("Warung Sembako", "trade", "Beras, minyak goreng, gula dan gas elpiji 3 kg", 1, False),
        ("Kebun Cabai Rawit", "agriculture", "Cabai rawit dan tomat untuk pasar Paok Motong", 2, False),
        ("Bengkel Las", "services", "Pagar, teralis dan rangka kanopi", 2, False),
    ],
)
REGIONS = {"KSP-IDM01": INDRAMAYU, "BMT-LTM01": LOMBOK_TIMUR}
